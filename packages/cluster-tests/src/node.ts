/**
 * One hub node as its own process, for tests that kill it: a WSServer with a WSRouter on a
 * RedisEngine. Environment: `REDIS_URL`, `KEY_PREFIX` (the shared log), `PORT` (default 0).
 * Prints one JSON line `{"url": ...}` on stdout once it listens; SIGTERM shuts it down
 * gracefully (its clients are told to go elsewhere), SIGKILL is the crash.
 */
import { RedisEngine } from '@switchboard/redis';
import { WSRouter, WSServer } from '@switchboard/server';

const keyPrefix = process.env.KEY_PREFIX;
if (!keyPrefix) throw new Error('node: KEY_PREFIX is required');
const engine = new RedisEngine({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  keyPrefix,
  // Reconnects to a restarted Redis are the point of some tests: say so on stderr only.
  onError: (error) => process.stderr.write(`node ${process.pid}: ${String(error)}\n`),
});
const server = new WSServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const router = new WSRouter(server, { engine });
await server.start();
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await server.shutdown(2_000);
    await router.close();
    process.exit(0);
  })();
});
