// The seed README's "Quick Start > Server Setup", verbatim but for the import.
import { WSServer, WSRouter } from '@switchboard/server';

// Create server
const server = new WSServer({
  port: 8080,
  authenticate: async (token) => {
    // Validate token
    return token === 'valid-token';
  },
});

// Create router
const router = new WSRouter(server);

// Start server
await server.start();

export { router, server };
