import { WSClient } from '@switchboard/client';
import { type Principal, WSRouter, WSServer, type WSServerOptions } from '@switchboard/server';

/**
 * An agent principal as the demo configures it: its own topics, tasks, its swarm, and its
 * own methods to serve (`agent.<id>.exec`, `agent.<id>.interrupt`).
 */
export function agentPrincipal(id: string, swarmId = 's1'): Principal {
  return {
    id,
    swarmId,
    publish: [`agent.${id}.#`, 'task.*.progress', 'task.*.completed', 'task.*.failed'],
    subscribe: ['task.#', `swarm.${swarmId}.#`, `agent.${id}.#`],
    serve: [`agent.${id}.*`],
  };
}

/** Tokens are principal ids: `agent-N` (swarm s1) or `coordinator` (unrestricted). */
function authenticate(token: string): Principal | false {
  if (token === 'coordinator') return { id: 'coordinator' };
  if (/^agent-\d+$/.test(token)) return agentPrincipal(token);
  return false;
}

export interface Hub {
  server: WSServer;
  router: WSRouter;
  url: string;
}

/** Starts hubs and clients for one test file; `closeAll()` in afterEach stops them all. */
export function harness() {
  const hubs: Hub[] = [];
  const clients: WSClient[] = [];
  return {
    async start(options: WSServerOptions = {}): Promise<Hub> {
      const server = new WSServer({ port: 0, authenticate, ...options });
      const router = new WSRouter(server);
      await server.start();
      const hub = { server, router, url: server.url };
      hubs.push(hub);
      return hub;
    },
    async connect(
      hub: Hub,
      token: string,
      options: Partial<ConstructorParameters<typeof WSClient>[0]> = {},
    ): Promise<WSClient> {
      const client = new WSClient({ url: hub.url, token, ...options });
      clients.push(client);
      await client.connect();
      return client;
    },
    async closeAll(): Promise<void> {
      await Promise.all(clients.splice(0).map((client) => client.disconnect()));
      for (const { server, router } of hubs.splice(0)) {
        await server.shutdown(500);
        await router.close();
      }
    },
  };
}

/** Resolves with the first `count` values `subscribe` delivers. */
export function collect<T>(
  subscribe: (push: (value: T) => void) => () => void,
  count: number,
): Promise<T[]> {
  return new Promise((resolve) => {
    const values: T[] = [];
    const stop = subscribe((value) => {
      values.push(value);
      if (values.length === count) {
        stop();
        resolve(values);
      }
    });
  });
}
