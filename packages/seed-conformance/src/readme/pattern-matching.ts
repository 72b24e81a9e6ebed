// The seed README's "Pattern Matching > Examples", verbatim; `client` is the one of
// "Client Setup".
import type { WSClient } from '@switchboard/client';

declare const client: WSClient;

// Match any agent's status
await client.subscribe(['agent.*.status']);

// Match all agent events
await client.subscribe(['agent.#']);

// Match specific pattern
await client.subscribe(['task.*.progress']);
