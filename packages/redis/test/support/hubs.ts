import { type ClientOptions, WSClient } from '@switchboard/client';
import { WSRouter, WSServer, type WSServerOptions } from '@switchboard/server';
import Redis from 'ioredis';
import { RedisClusterBus, RedisEngine, type RedisEngineOptions } from '../../src/index.ts';
import { deleteLogs, REDIS_URL, testPrefix } from './redis-service.ts';

export interface TestHub {
  server: WSServer;
  router: WSRouter;
  engine: RedisEngine;
  errors: unknown[];
}

/**
 * WSServer + WSRouter nodes on RedisEngines of one test file, each on its own port; every
 * node of one `keyPrefix` shares one log. `closeAll()` in afterEach.
 */
export function hubFixture() {
  const hubs: TestHub[] = [];
  const clients: WSClient[] = [];
  const prefixes = new Set<string>();
  return {
    prefix(): string {
      const prefix = testPrefix();
      prefixes.add(prefix);
      return prefix;
    },
    async start(
      keyPrefix: string,
      engineOptions: RedisEngineOptions = {},
      serverOptions: WSServerOptions = {},
      extra: (engine: RedisEngine) => Partial<WSServerOptions> = () => ({}),
    ): Promise<TestHub> {
      prefixes.add(keyPrefix);
      const errors: unknown[] = [];
      const engine = new RedisEngine({
        url: REDIS_URL,
        keyPrefix,
        onError: (e) => errors.push(e),
        ...engineOptions,
      });
      const server = new WSServer({ port: 0, ...serverOptions, ...extra(engine) });
      const router = new WSRouter(server, { engine });
      server.on('error', (e) => errors.push(e));
      await server.start();
      const hub = { server, router, engine, errors };
      hubs.push(hub);
      return hub;
    },
    async stop(hub: TestHub): Promise<void> {
      const index = hubs.indexOf(hub);
      if (index >= 0) hubs.splice(index, 1);
      await hub.server.shutdown(500);
      await hub.router.close();
    },
    /** A node with a cluster bus (fast heartbeats, so tests see deaths within a second). */
    startNode(keyPrefix: string, serverOptions: WSServerOptions = {}, url = REDIS_URL) {
      return this.start(keyPrefix, {}, serverOptions, () => ({
        cluster: new RedisClusterBus({ url, keyPrefix, heartbeatMs: 100, nodeTtlMs: 600 }),
      }));
    },
    async client(options: ClientOptions): Promise<WSClient> {
      const client = new WSClient({
        reconnectIntervalMs: 20,
        maxReconnectIntervalMs: 100,
        ...options,
      });
      clients.push(client);
      await client.connect();
      return client;
    },
    async closeAll(): Promise<void> {
      await Promise.all(clients.splice(0).map((client) => client.disconnect()));
      for (const hub of hubs.splice(0)) await this.stop(hub);
      await deleteLogs(prefixes).catch(() => {});
      await deleteClusterKeys(prefixes).catch(() => {});
      prefixes.clear();
    },
  };
}

/** GET `path` on a hub's HTTP port: status and parsed body. */
export async function getJson(
  server: WSServer,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The bus's keys of these prefixes (heartbeat keys expire on their own). */
async function deleteClusterKeys(prefixes: Iterable<string>): Promise<void> {
  const keys = [...prefixes].map((prefix) => `{${prefix}}:nodes`);
  if (keys.length === 0) return;
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  try {
    await client.del(...keys);
  } finally {
    client.disconnect();
  }
}
