// The seed README's "Rate Limiting", verbatim but for the import.
import { WSServer } from '@switchboard/server';

const server = new WSServer({
  port: 8080,
  rateLimit: {
    maxMessages: 100,     // Max messages per window
    windowMs: 60000,      // Window duration in milliseconds (1 minute)
  },
});

// Server will automatically reject messages exceeding the limit
// and send RATE_LIMIT_EXCEEDED error to the client

export { server };
