// The seed README's "Graceful Shutdown", verbatim; `server` and `client` are the ones of
// "Quick Start".
import type { WSClient } from '@switchboard/client';
import type { WSServer } from '@switchboard/server';

declare const server: WSServer;
declare const client: WSClient;

// Server
await server.shutdown();

// Client
client.disconnect();
