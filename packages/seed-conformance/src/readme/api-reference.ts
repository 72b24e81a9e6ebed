// The seed README's "API Reference" and "Events", one call or listener per line, as a
// TypeScript user of the seed would write them.
import type { WSClient } from '@switchboard/client';
import type { WSRouter, WSServer } from '@switchboard/server';

declare const server: WSServer;
declare const client: WSClient;
declare const router: WSRouter;
declare const clientId: string;
declare const message: { type: string; data: unknown };

// WSServer
await server.start();
await server.shutdown();
server.sendMessage(clientId, message);
server.broadcast(message);
server.disconnectClient(clientId, 'reason');
for (const connected of server.getConnectedClients()) server.sendMessage(connected, message);
server.getClient(clientId);

// WSClient
await client.connect();
client.disconnect();
await client.subscribe(['agent.*.status']);
await client.unsubscribe(['agent.*.status']);
await client.publish('agent.1.status', { status: 'busy' }, true);
client.send({ type: 'publish', topic: 'agent.1.status', data: { status: 'idle' } });
await client.sendAndWait({ type: 'ping' });

// WSRouter
router.route({ topic: 'tasks.*', handler: (data) => data });
router.unroute('tasks.*');
await router.publish('agent.1.status', { status: 'busy' });
router.getTopicSubscribers('agent.1.status');
router.getAllSubscriptions();

// Server events
server.on('started', () => {});
server.on('connection', (connection) => console.log(connection.id));
server.on('authenticated', (connection) => console.log(connection.principal));
server.on('disconnect', (connection) => console.log(connection.id));
server.on('subscribe', (connection, topics) => console.log(connection.id, topics));
server.on('unsubscribe', (connection, topics) => console.log(connection.id, topics));
server.on('publish', (event) => console.log(event.topic, event.data));
server.on('error', (error) => console.error(error.message));

// Client events
client.on('connected', () => {});
client.on('disconnected', () => {});
client.on('authenticated', () => {});
client.on('reconnecting', () => {});
client.on('event', (event) => console.log(event.topic));
client.on('event:agent.1.status', (event) => console.log(event.data));
client.on('pong', () => {});
client.on('error', (error) => console.error(error.message));
