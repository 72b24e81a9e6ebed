import { WSClient } from '@switchboard/client';
import {
  ErrorCode,
  type EventFrame,
  KpiSnapshot,
  METRICS_TOPIC,
  SwitchboardError,
} from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { KpiSampler, type KpiSource, topicPrefix } from './kpi-snapshot.ts';
import type { Principal } from './principal.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const servers: WSServer[] = [];
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  await Promise.all(servers.splice(0).map((server) => server.shutdown(500)));
});

const PRINCIPALS: Record<string, Principal> = {
  ops: { id: 'ops', subscribe: [METRICS_TOPIC, 'agent.#'] },
  ada: { id: 'ada', publish: ['agent.ada.#'], subscribe: ['agent.ada.#'] },
  root: { id: 'root' },
};

async function startHub(metricsIntervalMs = 40) {
  const server = new WSServer({
    metricsIntervalMs,
    name: 'kpi-test',
    authenticate: (token) => PRINCIPALS[token] ?? false,
  });
  new WSRouter(server);
  await server.start();
  servers.push(server);
  return server;
}

async function connect(server: WSServer, token: string): Promise<WSClient> {
  const client = new WSClient({ url: server.url, token, reconnect: false });
  clients.push(client);
  await client.connect();
  return client;
}

/** Resolves with the first snapshot on `$metrics` that passes `accept`. */
function nextSnapshot(
  client: WSClient,
  accept: (snapshot: KpiSnapshot) => boolean = () => true,
): Promise<KpiSnapshot> {
  return new Promise((resolve) => {
    const listener = (event: EventFrame) => {
      if (event.topic !== METRICS_TOPIC) return;
      const snapshot = KpiSnapshot.parse(event.data);
      if (!accept(snapshot)) return;
      client.off('event', listener);
      resolve(snapshot);
    };
    client.on('event', listener);
  });
}

describe('the metrics channel ($metrics)', () => {
  it('a subscriber allowed $metrics receives KPI snapshots: connections, principals, rates, busiest prefixes', async () => {
    const server = await startHub();
    const ops = await connect(server, 'ops');
    const ada = await connect(server, 'ada');
    await ops.subscribe([METRICS_TOPIC]);
    // The first snapshot counting all 20 that saw some of them in its interval.
    const busy = nextSnapshot(
      ops,
      (s) => s.published >= 20 && s.busiestPrefixes.some((p) => p.prefix === 'agent.ada'),
    );
    for (let i = 0; i < 20; i += 1) await ada.publish(`agent.ada.step${i % 2}`, { i });
    const snapshot = await busy;
    expect(snapshot).toMatchObject({
      node: 'kpi-test',
      connections: 2,
      principals: 2,
      active_sessions: 2,
      active_agents: 2,
    });
    expect(snapshot.publishesPerSecond).toBeGreaterThan(0);
    expect(snapshot.actions_per_minute).toBeCloseTo(snapshot.publishesPerSecond * 60, 0);
    // One source of truth: the counters are the ones /stats serves.
    expect(snapshot.published).toBeLessThanOrEqual(server.stats().published);
    expect(snapshot.published).toBeGreaterThanOrEqual(20);
    expect(snapshot.busiestPrefixes[0]?.prefix).toBe('agent.ada');
    // $metrics itself is not a "busy prefix".
    expect(snapshot.busiestPrefixes.every((p) => !p.prefix.startsWith('$'))).toBe(true);
  });

  it('counts deliveries and drops per second from the router counters', async () => {
    const server = await startHub();
    const ops = await connect(server, 'ops');
    const ada = await connect(server, 'ada');
    await ops.subscribe([METRICS_TOPIC, 'agent.#']);
    const delivering = nextSnapshot(ops, (s) => s.deliveriesPerSecond > 0 && s.delivered >= 5);
    for (let i = 0; i < 5; i += 1) await ada.publish('agent.ada.status', { i });
    const snapshot = await delivering;
    expect(snapshot.dropped).toBe(0);
    expect(snapshot.dropsPerSecond).toBe(0);
    expect(snapshot.subscriptions).toBeGreaterThanOrEqual(2);
  });

  it('the subscribe ACL applies: a principal not allowed $metrics is refused', async () => {
    const server = await startHub();
    const ada = await connect(server, 'ada');
    await expect(ada.subscribe([METRICS_TOPIC])).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
  });

  it('no client may publish to a $ topic, whatever its ACL: FORBIDDEN with details.reserved', async () => {
    const server = await startHub();
    const root = await connect(server, 'root');
    const refusal = await root.publish(METRICS_TOPIC, { fake: true }).catch((error) => error);
    expect(refusal).toBeInstanceOf(SwitchboardError);
    expect(refusal).toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { topic: METRICS_TOPIC, reserved: true },
    });
    await expect(root.publish('$sys.anything', 1)).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    expect(server.stats().published).toBe(0);
  });

  it('a late subscriber gets the retained last snapshot at once with since: last', async () => {
    const server = await startHub();
    const ops = await connect(server, 'ops');
    await ops.subscribe([METRICS_TOPIC]);
    const first = await nextSnapshot(ops);
    await ops.unsubscribe([METRICS_TOPIC]);
    const late = await connect(server, 'ops');
    const retained = nextSnapshot(late);
    await late.subscribe([METRICS_TOPIC], { since: 'last' });
    expect((await retained).at).toBeGreaterThanOrEqual(first.at);
  });

  it('metricsIntervalMs is checked: 0 turns it off, a negative or fractional value is a TypeError', () => {
    expect(() => new WSServer({ metricsIntervalMs: -1 })).toThrow(/metricsIntervalMs/);
    expect(() => new WSServer({ metricsIntervalMs: 1.5 })).toThrow(/metricsIntervalMs/);
    expect(new WSServer({ metricsIntervalMs: 0 }).options.metricsIntervalMs).toBe(0);
    expect(new WSServer().options.metricsIntervalMs).toBe(5_000);
  });
});

describe('KpiSampler', () => {
  function source(overrides: Partial<KpiSource> = {}) {
    const published: unknown[] = [];
    let counters = { published: 0, delivered: 0, dropped: 0 };
    const value: KpiSource = {
      name: 'n',
      stats: () => ({
        connections: 1,
        subscriptions: 0,
        topics: 0,
        messagesIn: 0,
        messagesOut: 0,
        pausedReads: 0,
        readPauses: 0,
        pendingUpgrades: 0,
        ...counters,
      }),
      uptimeSeconds: () => 1,
      principals: () => 1,
      watched: () => true,
      publish: async (_topic, data) => published.push(data),
      error: (error) => {
        throw error;
      },
      ...overrides,
    };
    return {
      value,
      published,
      set: (next: typeof counters) => {
        counters = next;
      },
    };
  }

  it('publishes nothing while nobody on this node watches $metrics', () => {
    const s = source({ watched: () => false });
    const sampler = new KpiSampler(60_000, s.value);
    sampler.start();
    sampler.tick();
    sampler.stop();
    expect(s.published).toEqual([]);
  });

  it('rates are deltas over the interval; bounded prefix counting folds the rest into (other)', () => {
    const s = source();
    const sampler = new KpiSampler(60_000, s.value);
    sampler.start();
    const start = Date.now();
    for (let i = 0; i < 1_005; i += 1) sampler.count(`p${i}.x.y`);
    for (let i = 0; i < 3; i += 1) sampler.count('p0.x.z');
    s.set({ published: 1_008, delivered: 2_016, dropped: 4 });
    const snapshot = sampler.snapshot(start + 2_000);
    sampler.stop();
    expect(snapshot.busiestPrefixes[0]).toEqual({
      prefix: '(other)',
      perSecond: expect.any(Number),
    });
    expect(snapshot.busiestPrefixes[1]?.prefix).toBe('p0.x');
    expect(snapshot.publishesPerSecond).toBeGreaterThan(400);
    expect(snapshot.dropsPerSecond).toBeGreaterThan(1);
    expect(KpiSnapshot.safeParse(snapshot).success).toBe(true);
  });

  it('topicPrefix keeps the first two segments', () => {
    expect(topicPrefix('agent.ada.status')).toBe('agent.ada');
    expect(topicPrefix('agent.ada')).toBe('agent.ada');
    expect(topicPrefix('tick')).toBe('tick');
  });
});
