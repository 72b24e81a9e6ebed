/**
 * One hub node as its own process, for tests that kill a node with SIGKILL: WSServer,
 * WSRouter on a RedisEngine, a RedisClusterBus and a SwarmChannelServer tallying from the
 * log. Configured by env (REDIS_URL, KEY_PREFIX); prints one JSON line `{ url, nodeId }`
 * once it listens, then runs until killed.
 */
import { SwarmChannelServer } from '@switchboard/channels-swarm';
import { WSRouter, WSServer } from '@switchboard/server';
import { RedisClusterBus, RedisEngine } from '../../src/index.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const keyPrefix = process.env.KEY_PREFIX ?? 'switchboard';
const engine = new RedisEngine({ url, keyPrefix, onError: () => {} });
const server = new WSServer({
  port: 0,
  authenticate: (token) => ({ id: token, swarmId: 's1' }),
  cluster: new RedisClusterBus({
    url,
    keyPrefix,
    heartbeatMs: 100,
    nodeTtlMs: 600,
    onError: () => {},
  }),
});
const router = new WSRouter(server, { engine });
await server.start();
new SwarmChannelServer(router, { consensus: 'log', presence: server, cluster: server.cluster });
process.stdout.write(`${JSON.stringify({ url: server.url, nodeId: server.cluster.nodeId })}\n`);
