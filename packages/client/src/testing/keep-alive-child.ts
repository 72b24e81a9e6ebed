/**
 * A Node process whose only work is one WSClient (keep-alive.test.ts). It reports on stdout,
 * one line each: `connected <n>`, `reconnecting <attempt>`. Arguments: the hub URL, then
 * `keep` (default options; disconnects after the second connect) or `unref`
 * (`keepProcessAlive: false`; an interval of its own holds the process until the first
 * connect, since an unref'd client lets it exit even during the handshake).
 */
import { WSClient } from '../index.ts';

const [url, mode] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: keep-alive-child <url> keep|unref');
const client = new WSClient({
  url,
  reconnectIntervalMs: 20,
  maxReconnectIntervalMs: 50,
  ...(mode === 'unref' ? { keepProcessAlive: false } : {}),
});
const hold = mode === 'unref' ? setInterval(() => {}, 1000) : undefined;
let connects = 0;
client.on('connected', () => {
  clearInterval(hold);
  connects += 1;
  console.log(`connected ${connects}`);
  if (mode === 'keep' && connects === 2) void client.disconnect();
});
client.on('reconnecting', ({ attempt }) => console.log(`reconnecting ${attempt}`));
client.connect().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
