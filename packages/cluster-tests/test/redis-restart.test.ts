import { WSClient } from '@switchboard/client';
import type { EventFrame } from '@switchboard/protocol';
import { describeWithRedisServer, RedisProcess, testPrefix } from '@switchboard/test-utils/redis';
import { afterEach, expect, it, vi } from 'vitest';
import { HubNode } from '../src/index.ts';

/**
 * Redis itself restarted under two hub node processes, end to end with WSClient: with AOF
 * `appendfsync always` nothing acked is lost and clients resume with `recovered: true`;
 * without persistence clients are told (`recovered: false`, a new epoch, `resync-required`),
 * never left with a silent gap.
 */
const ALWAYS = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];
const QUICK = { reconnectIntervalMs: 100, maxReconnectIntervalMs: 400 };

const owned: { servers: RedisProcess[]; nodes: HubNode[]; clients: WSClient[] } = {
  servers: [],
  nodes: [],
  clients: [],
};
afterEach(async () => {
  await Promise.all(owned.clients.splice(0).map((client) => client.disconnect()));
  await Promise.all(owned.nodes.splice(0).map((node) => node.kill()));
  for (const server of owned.servers.splice(0)) await server.stop();
});

async function cluster(args: string[]) {
  const redis = await RedisProcess.start(args);
  owned.servers.push(redis);
  const keyPrefix = testPrefix();
  const node = (port?: number) =>
    HubNode.start({ redisUrl: redis.url, keyPrefix, port }).then((started) => {
      owned.nodes.push(started);
      return started;
    });
  const [a, b] = await Promise.all([node(), node()]);
  return { redis, a: a!, b: b!, node };
}

function client(url: string | string[]) {
  const made = new WSClient({ url, ...QUICK });
  made.on('error', () => {});
  owned.clients.push(made);
  const events: EventFrame[] = [];
  made.on('event', (event) => events.push(event));
  return { client: made, events };
}

/** Publishes `t.<i>` for i in [from, to], each retried with its id until acked. */
async function publishRange(publisher: WSClient, from: number, to: number) {
  const acks = [];
  for (let i = from; i <= to; i++) {
    for (let attempt = 0; ; attempt++) {
      try {
        acks.push(await publisher.publish(`t.${i % 3}`, i, { id: `m${i}` }));
        break;
      } catch (error) {
        // Redis is down: the node refuses the append. Retry the same id a little later.
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
  return acks;
}

const ids = (events: readonly EventFrame[]) => events.map((event) => event.id);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

describeWithRedisServer('Redis restarted under two hub nodes', () => {
  it('with appendfsync always: nothing acked is lost, and a client moved to the other node resumes with recovered: true', async () => {
    const { redis, a, b } = await cluster(ALWAYS);
    const subscriber = client([a.url, b.url]);
    const publisher = client([b.url, a.url]);
    await Promise.all([subscriber.client.connect(), publisher.client.connect()]);
    await subscriber.client.subscribe('t.*');
    const resubscribed = new Promise<boolean[]>((resolve) =>
      subscriber.client.on('subscribed', ({ resubscribe, subscriptions }) => {
        if (resubscribe) resolve(subscriptions.map((s) => s.recovered));
      }),
    );
    const resyncs: unknown[] = [];
    subscriber.client.on('resync-required', (info) => resyncs.push(info));

    const before = await publishRange(publisher.client, 1, 30);
    await redis.kill();
    await redis.restart();
    const after = await publishRange(publisher.client, 31, 60);
    expect(new Set([...before, ...after].map((ack) => ack.epoch)).size).toBe(1);
    await vi.waitFor(() => expect(subscriber.events.length).toBeGreaterThanOrEqual(60), {
      timeout: 15_000,
    });
    // Its node goes away: it moves to b at once and resumes from its position there.
    await a.stop();
    expect(await resubscribed).toEqual([true]);
    expect(subscriber.client.url).toBe(b.url);
    await publishRange(publisher.client, 61, 80);
    await vi.waitFor(() => expect(subscriber.events.length).toBeGreaterThanOrEqual(80), {
      timeout: 15_000,
    });
    expect(ids(subscriber.events)).toEqual(range(1, 80));
    expect(resyncs).toEqual([]);
  }, 60_000);

  it('without persistence: a connected client and a client that was away both learn of the new epoch', async () => {
    const { redis, a, b, node } = await cluster(NO_PERSISTENCE);
    const live = client([a.url, b.url]);
    const away = client(a.url); // a's one URL: it is back only when a is
    const publisher = client([b.url, a.url]);
    await Promise.all([live.client, away.client, publisher.client].map((c) => c.connect()));
    await Promise.all([live.client.subscribe('t.*'), away.client.subscribe('t.*')]);
    const liveResyncs: { reason: string }[] = [];
    live.client.on('resync-required', (info) => liveResyncs.push(info));
    const awayResync = new Promise<{ reason: string }>((resolve) =>
      away.client.on('resync-required', resolve),
    );
    const awayRecovered = new Promise<boolean[]>((resolve) =>
      away.client.on('subscribed', ({ resubscribe, subscriptions }) => {
        if (resubscribe) resolve(subscriptions.map((s) => s.recovered));
      }),
    );

    const [first] = await publishRange(publisher.client, 1, 20);
    await vi.waitFor(() => expect(away.events).toHaveLength(20), { timeout: 15_000 });
    // a crashes together with Redis; `live` moves to b, `away` waits for a.
    const port = Number(new URL(a.url).port);
    await Promise.all([a.kill(), redis.kill()]);
    await redis.restart();
    const acks = await publishRange(publisher.client, 21, 40);
    const epoch = acks.at(-1)!.epoch;
    expect(epoch).not.toBe(first!.epoch);
    await node(port);

    expect(await awayRecovered).toEqual([false]);
    expect((await awayResync).reason).toBe('epoch-changed');
    await vi.waitFor(() => expect(liveResyncs.map((r) => r.reason)).toContain('epoch-changed'), {
      timeout: 15_000,
    });
    // Whatever each got of the new epoch, it came after it was told, in order.
    for (const c of [live, away]) {
      const fresh = c.events.filter((event) => event.epoch === epoch).map((e) => e.offset);
      expect(fresh).toEqual([...fresh].sort((x, y) => x - y));
    }
  }, 60_000);
});
