// The seed implementation notes' "Usage Examples > Basic Server & Client", verbatim but for
// the imports (the notes import all three from one package).
import { WSServer, WSRouter } from '@switchboard/server';
import { WSClient } from '@switchboard/client';

// Server
const server = new WSServer({ port: 8080 });
const router = new WSRouter(server);
await server.start();

// Client
const client = new WSClient({ url: 'ws://localhost:8080', token: 'test' });
await client.connect();
await client.subscribe(['agent.*']);
client.on('event', (event) => console.log(event));

export { client, router };
