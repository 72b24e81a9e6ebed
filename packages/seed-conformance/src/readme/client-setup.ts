// The seed README's "Quick Start > Client Setup", verbatim but for the import.
import { WSClient } from '@switchboard/client';

// Create client
const client = new WSClient({
  url: 'ws://localhost:8080',
  token: 'valid-token',
  reconnect: true,
  reconnectInterval: 5000,
});

// Connect
await client.connect();

// Subscribe to topics
await client.subscribe(['agent.*.status', 'task.#']);

// Listen for events
client.on('event', (event) => {
  console.log('Received:', event);
});

export { client };
