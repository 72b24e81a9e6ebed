import type { EventFrame } from '@switchboard/protocol';
import { afterEach, expect, it } from 'vitest';
import { eventually, range } from './support/engines.ts';
import { getJson, hubFixture } from './support/hubs.ts';
import { deleteLogs, describeWithRedis, probeRedis, REDIS_URL } from './support/redis-service.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

const redis = await probeRedis();

/**
 * What the engine knows reaches the hub: `/health` goes 503 while a node does not receive
 * the log (Centrifugo #1189: pub/sub wedged after a failover while /health stayed green),
 * and subscribers are told of every gap and lost log instead of seeing a silent one.
 */
describeWithRedis('engine trouble reaches the hub and its clients', redis, () => {
  const hubs = hubFixture();
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    proxy?.thaw();
    await hubs.closeAll();
    await proxy?.close();
    proxy = undefined;
  });

  it('answers /health with 503 and the reason while the Redis link is wedged or down, 200 once it is back', async () => {
    proxy = await TcpProxy.start(REDIS_URL);
    const keyPrefix = hubs.prefix();
    const a = await hubs.start(keyPrefix, { url: proxy.url, blockMs: 100, stallTimeoutMs: 1_500 });
    expect(await getJson(a.server, '/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', engine: { ok: true, state: 'live' } },
    });
    // Sockets open, nothing passes, reconnects included: the node's subscription is wedged.
    proxy.blackhole();
    await eventually(async () =>
      expect(await getJson(a.server, '/health')).toMatchObject({
        status: 503,
        body: { status: 'unhealthy', engine: { ok: false } },
      }),
    );
    // It stays red while wedged (the watchdog's reconnects cannot get through either).
    const seen = new Set<unknown>();
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      const { status, body } = await getJson(a.server, '/health');
      expect(status).toBe(503);
      seen.add(body.reason);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect([...seen].every((r) => r === 'engine stalled' || r === 'engine reconnecting')).toBe(
      true,
    );
    expect(seen.has('engine stalled') || a.engine.health().stalls > 0).toBe(true);
    proxy.thaw();
    await eventually(async () => expect((await getJson(a.server, '/health')).status).toBe(200));
    // Cut: the connections are down and reconnects refused.
    await proxy.cut();
    await eventually(async () =>
      expect(await getJson(a.server, '/health')).toMatchObject({
        status: 503,
        body: { status: 'unhealthy', reason: 'engine reconnecting' },
      }),
    );
    await proxy.restore();
    await eventually(async () =>
      expect(await getJson(a.server, '/health')).toMatchObject({
        status: 200,
        body: { status: 'ok', engine: { state: 'live' } },
      }),
    );
  });

  it('tells a subscriber of a node that fell behind past history: resync, never a silent gap', async () => {
    proxy = await TcpProxy.start(REDIS_URL);
    const keyPrefix = hubs.prefix();
    const a = await hubs.start(keyPrefix, { url: proxy.url, historySize: 10 });
    const b = await hubs.start(keyPrefix, { historySize: 10 });
    const subscriber = await hubs.client({ url: a.server.url });
    const events: EventFrame[] = [];
    subscriber.on('event', (event) => events.push(event));
    const resyncs: { reason: string }[] = [];
    subscriber.on('resync-required', (info) => resyncs.push(info));
    await subscriber.subscribe('job.#');
    for (const i of range(1, 5)) await b.router.publish(`job.${i}`, { i });
    await eventually(() => expect(events).toHaveLength(5));
    await proxy.cut();
    await eventually(() => expect(a.engine.health().state).toBe('reconnecting'));
    for (const i of range(6, 50)) await b.router.publish(`job.${i}`, { i });
    await proxy.restore();
    await eventually(() => expect(events.at(-1)?.offset).toBe(50));
    expect(events.map((e) => e.offset)).toEqual([...range(1, 5), ...range(41, 50)]);
    // Offsets 6..40 left history before node A read them: the client is told.
    await eventually(() => expect(resyncs).toHaveLength(1));
    expect(resyncs[0]).toMatchObject({ reason: 'history-exhausted', fromOffset: 6, toOffset: 40 });
    expect(subscriber.isConnected).toBe(true);
  });

  it('disconnects subscribers when the log is lost, so they resubscribe and learn the epoch changed', async () => {
    const keyPrefix = hubs.prefix();
    const a = await hubs.start(keyPrefix);
    const b = await hubs.start(keyPrefix);
    const subscriber = await hubs.client({ url: a.server.url });
    const events: EventFrame[] = [];
    subscriber.on('event', (event) => events.push(event));
    const resyncs: { reason: string; patterns: string[] }[] = [];
    subscriber.on('resync-required', (info) => resyncs.push(info));
    await subscriber.subscribe('job.#');
    for (const i of range(1, 3)) await b.router.publish(`job.${i}`, { i });
    await eventually(() => expect(events).toHaveLength(3));
    const old = a.router.epoch;
    const disconnected = new Promise((resolve) => subscriber.once('disconnected', resolve));
    await deleteLogs([keyPrefix]);
    await disconnected;
    await eventually(() => expect(resyncs).toHaveLength(1));
    expect(resyncs[0]).toMatchObject({ reason: 'epoch-changed', patterns: ['job.#'] });
    expect(a.router.epoch).not.toBe(old);
    // The new log flows to the client again, in its new epoch.
    await b.router.publish('job.new', { i: 'new' });
    await eventually(() => expect(events.at(-1)?.topic).toBe('job.new'));
    expect(events.at(-1)).toMatchObject({ epoch: a.router.epoch, offset: 1 });
    // Nothing of the new log was delivered under the old position before the resync.
    expect(events.slice(0, 3).every((e) => e.epoch === old)).toBe(true);
  });
});
