/**
 * A separate Node process that serves one method and never answers it, for the test of a
 * handler whose process dies mid-call (client-handlers.test.ts). Prints `ready` once the hub
 * registered the handler and `started <callId>` when a call reaches it; the test then kills
 * it with SIGKILL, so nothing in this process gets to say goodbye.
 */
import { WSClient } from '@switchboard/client';

const [url, method] = process.argv.slice(2);
if (url === undefined || method === undefined)
  throw new Error('usage: handler-child <url> <method>');
const client = new WSClient({ url });
await client.connect();
await client.handle(method, (_data, { callId }) => {
  console.log(`started ${callId}`);
  return new Promise(() => {});
}).ready;
console.log('ready');
