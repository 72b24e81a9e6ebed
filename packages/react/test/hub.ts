import { AgentChannelServer } from '@switchboard/channels-agent';
import { WSClient } from '@switchboard/client';
import { type Principal, WSRouter, WSServer } from '@switchboard/server';

export interface TestHub {
  server: WSServer;
  router: WSRouter;
  agents: AgentChannelServer;
  url: string;
  port: number;
  /** Subscribe frames the hub received, per pattern, over every restart. */
  subscribes: Map<string, number>;
  unsubscribes: Map<string, number>;
  /** Connections the hub accepted, over every restart. */
  connections(): number;
  /** Stops the hub; `start()` brings a new one (a new log) up on the same port. */
  close(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** `forbidden` may subscribe to nothing under `secret.#`; `refused` is refused; every other token is unrestricted. */
function authenticate(token: string): Principal | false {
  if (token === 'forbidden') return { id: 'forbidden', subscribe: ['demo.#', 'agent.#'] };
  return token === 'refused' ? false : { id: token };
}

/**
 * A real hub on a free port that counts the subscribe and unsubscribe frames it received
 * (a frame stage, so every frame counts, whatever the router does with it).
 */
export async function startHub(setup: (router: WSRouter) => void = () => {}): Promise<TestHub> {
  const subscribes = new Map<string, number>();
  const unsubscribes = new Map<string, number>();
  let connections = 0;
  let current = await listen(0);

  async function listen(port: number) {
    const server = new WSServer({ port, authenticate });
    server.use({
      name: 'count-subscriptions',
      check(frame) {
        const counts =
          frame.type === 'subscribe'
            ? subscribes
            : frame.type === 'unsubscribe'
              ? unsubscribes
              : undefined;
        for (const topic of counts === undefined ? [] : (frame as { topics: string[] }).topics) {
          counts?.set(topic, (counts.get(topic) ?? 0) + 1);
        }
        return undefined;
      },
    });
    server.on('authenticated', () => {
      connections += 1;
    });
    const router = new WSRouter(server);
    setup(router);
    await server.start();
    return { server, router, agents: new AgentChannelServer(router) };
  }

  const hub: TestHub = {
    ...current,
    url: current.server.url,
    port: current.server.port,
    subscribes,
    unsubscribes,
    connections: () => connections,
    async start() {
      current = await listen(hub.port);
      Object.assign(hub, current);
    },
    async restart() {
      await hub.close();
      await hub.start();
    },
    async close() {
      await current.server.shutdown(200);
      await current.router.close();
    },
  };
  return hub;
}

/** A client for the hub, not connected yet; the test (or a provider) owns it. */
export function hubClient(hub: TestHub, token = 'dashboard'): WSClient {
  return new WSClient({
    url: hub.url,
    token,
    reconnectIntervalMs: 50,
    maxReconnectIntervalMs: 200,
  });
}
