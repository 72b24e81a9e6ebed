import { WSClient } from '@switchboard/client';
import type { EventFrame } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubSocket } from './hub-socket.ts';
import { rawSocketOf } from './raw-socket.ts';
import type { WSRouterOptions } from './router-options.ts';
import { destroyTcp, seededRandom, trackedWebSocket } from './test-support/tracked-socket.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function hub(routerOptions: WSRouterOptions = {}) {
  const server = new WSServer({ port: 0 });
  const router = new WSRouter(server, routerOptions);
  await server.start();
  cleanup.push(async () => {
    await server.shutdown(200);
    await router.close();
  });
  return { server, router };
}

function client(options: ConstructorParameters<typeof WSClient>[0]): WSClient {
  const created = new WSClient({ reconnectIntervalMs: 5, maxReconnectIntervalMs: 40, ...options });
  cleanup.push(() => created.disconnect());
  return created;
}

/** Collects the data of every event the application sees. */
function collect(target: WSClient): unknown[] {
  const seen: unknown[] = [];
  target.on('event', (event: EventFrame) => seen.push(event.data));
  return seen;
}

/** Collects `data.i` only, so the test's own memory does not hide the hub's. */
function collectIndex(target: WSClient): number[] {
  const seen: number[] = [];
  target.on('event', (event: EventFrame) => seen.push((event.data as { i: number }).i));
  return seen;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The protocol's resume, over each transport: the hub loses the connection (a destroyed TCP
 * socket under a WebSocket; a session dropped by the hub on the HTTP fallback, which the
 * client cannot reopen and so reconnects and resumes from its position as over WebSocket).
 */
describe.each(['websocket', 'sse'] as const)('resume after reconnect (%s)', (transport) => {
  const on = (options: ConstructorParameters<typeof WSClient>[0]) =>
    client({ ...options, transport });
  const lose = (socket: HubSocket) =>
    transport === 'websocket' ? destroyTcp(socket) : socket.terminate();

  it('chaos: 10,000 events arrive exactly once, in order, across 20+ destroyed subscriber sockets', async () => {
    const { server } = await hub();
    const tracked = trackedWebSocket();
    const subscriber = on({ url: server.url, WebSocket: tracked.WebSocket });
    const publisher = on({ url: server.url });
    await Promise.all([subscriber.connect(), publisher.connect()]);
    await subscriber.subscribe(['chaos.*']);
    const seen = collect(subscriber);
    const random = seededRandom(Number(process.env.CHAOS_SEED ?? 20261122));
    let kills = 0;
    let nextKill = 50 + Math.floor(random() * 400);
    /** Destroys the subscriber's live TCP connection, waiting for it to be back first. */
    const kill = async () => {
      if (!subscriber.isConnected)
        await new Promise((resolve) => subscriber.once('connected', resolve));
      const hubSide = server.getConnection(subscriber.connectionId ?? '')?.socket;
      if (!hubSide) return;
      lose(hubSide);
      kills += 1;
    };
    const total = 10_000;
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      inFlight.push(publisher.publish(`chaos.${i % 7}`, i));
      if (inFlight.length === 100) await Promise.all(inFlight.splice(0));
      if (i === nextKill) {
        await kill();
        nextKill = i + 50 + Math.floor(random() * 400);
      }
    }
    await Promise.all(inFlight);
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBe(total);
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(seen).toEqual(range(total));
    if (transport === 'websocket') expect(tracked.sockets.length).toBeGreaterThan(20);
  });

  it('a publisher whose socket dies between send and ack leaves every event in the log exactly once', async () => {
    const { server, router } = await hub();
    const publisher = on({ url: server.url });
    await publisher.connect();
    let kills = 0;
    // Kill the publisher right after the hub appended, before the ack is written.
    router.on('published', (entry) => {
      if ((entry.data as number) % 97 === 13 && kills < 10) {
        kills += 1;
        const socket = server.getConnection(publisher.connectionId ?? '')?.socket;
        if (socket) lose(socket);
      }
    });
    const total = 1_000;
    const acks = await Promise.all(
      range(total).map((i) => publisher.publish(`ledger.${i % 5}`, i)),
    );
    expect(kills).toBeGreaterThan(5);
    expect(acks.filter((ack) => ack.duplicate).length).toBeGreaterThan(0);
    const read = await router.engine.read({ after: 0, patterns: ['#'], limit: 10_000 });
    const values = read.entries.map((entry) => entry.data as number).sort((a, b) => a - b);
    expect(values).toEqual(range(total));
    expect(new Set(acks.map((ack) => ack.offset)).size).toBe(total);
  });

  it('reports recovered: false and resync-required when history no longer covers the gap', async () => {
    const { server, router } = await hub({ history: { historySize: 20 } });
    const subscriber = on({ url: server.url });
    await subscriber.connect();
    await subscriber.subscribe(['gap.#']);
    const seen = collect(subscriber);
    await router.publish('gap.a', 'before');
    await expect.poll(() => seen.length).toBe(1);
    const outcomes: unknown[] = [];
    subscriber.on('subscribed', (event) => {
      if (event.resubscribe) outcomes.push(...event.subscriptions);
    });
    const resync = new Promise((resolve) => subscriber.once('resync-required', resolve));
    // Disconnect it and publish more than the history holds meanwhile.
    const down = new Promise((resolve) => subscriber.once('disconnected', resolve));
    lose(server.getConnection(subscriber.connectionId ?? '')!.socket);
    await down;
    for (let i = 0; i < 50; i++) await router.publish('gap.a', i);
    expect(await resync).toMatchObject({ reason: 'history-exhausted', patterns: ['gap.#'] });
    expect(outcomes).toEqual([
      { pattern: 'gap.#', wasRecovering: true, recovered: false, replayed: 0 },
    ]);
    // Live traffic continues after the resync notice.
    await router.publish('gap.a', 'after');
    await expect.poll(() => seen.at(-1)).toBe('after');
    expect(seen).toEqual(['before', 'after']);
  });

  it('reports epoch-changed when the hub restarted with a new log', async () => {
    const first = await hub();
    const port = first.server.port;
    const subscriber = on({ url: first.server.url });
    await subscriber.connect();
    await subscriber.subscribe(['e.#']);
    await first.router.publish('e.x', 1);
    await expect.poll(() => subscriber.subscriptions.size).toBe(1);
    const resync = new Promise((resolve) => subscriber.once('resync-required', resolve));
    await first.server.shutdown(200);
    const server = new WSServer({ port });
    const router = new WSRouter(server);
    await server.start();
    cleanup.push(async () => {
      await server.shutdown(200);
      await router.close();
    });
    expect(await resync).toMatchObject({ reason: 'epoch-changed', patterns: ['e.#'] });
  });

  it('subscribes from history with since: an offset, or "last" for retained values', async () => {
    const { server, router } = await hub();
    await router.publish('task.1.progress', 10);
    await router.publish('task.1.progress', 50);
    await router.publish('task.2.done', 'ok');
    const late = on({ url: server.url });
    await late.connect();
    const seen = collect(late);
    const outcomes = await late.subscribe(['task.1.#'], { since: 'last' });
    expect(outcomes[0]).toMatchObject({ recovered: true, replayed: 1 });
    await expect.poll(() => seen).toEqual([50]);
    const all = on({ url: server.url });
    await all.connect();
    const allSeen = collect(all);
    await all.subscribe(['task.#'], { since: 1 });
    await expect.poll(() => allSeen).toEqual([50, 'ok']);
  });
});

describe('slow consumers', () => {
  it('drop-oldest: hub memory stays bounded, healthy clients keep up, the stalled one recovers what was dropped', async () => {
    const queueBytes = 256 * 1024;
    const { server, router } = await hub({
      queueSize: 200,
      queueBytes,
      history: { historySize: 50_000 },
    });
    const tracked = trackedWebSocket();
    const stalled = client({
      url: server.url,
      WebSocket: tracked.WebSocket,
      messageTimeoutMs: 60_000,
    });
    const healthy = client({ url: server.url });
    const publisher = client({ url: server.url });
    await Promise.all([stalled.connect(), healthy.connect(), publisher.connect()]);
    await Promise.all([stalled.subscribe(['load.#']), healthy.subscribe(['load.#'])]);
    const stalledSeen = collectIndex(stalled);
    const healthySeen = collectIndex(healthy);
    const dropped: number[] = [];
    router.on('message-dropped', (info) => dropped.push(info.offset));
    const stalledId = stalled.connectionId!;
    tracked.tcp().pause();

    const payload = 'x'.repeat(2048);
    const total = 20_000;
    const heapBefore = process.memoryUsage().heapUsed;
    let maxQueued = 0;
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      inFlight.push(publisher.publish(`load.${i % 3}`, { i, payload }));
      if (inFlight.length === 100) {
        await Promise.all(inFlight.splice(0));
        maxQueued = Math.max(maxQueued, server.getClient(stalledId)?.queuedBytes ?? 0);
      }
    }
    await Promise.all(inFlight);
    await expect.poll(() => healthySeen.length, { timeout: 20_000 }).toBe(total);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    expect(dropped.length).toBeGreaterThan(0);
    // The stalled connection's queue (with the socket buffer) stays near its byte bound...
    expect(maxQueued).toBeLessThanOrEqual(queueBytes + 512 * 1024);
    expect(server.getClient(stalledId)!.queuedMessages).toBeLessThanOrEqual(201);
    // ...so the hub holds the history (about 42 MB of payload here) plus bounded queues,
    // not another copy of everything the stalled client did not read.
    expect(heapGrowth).toBeLessThan(total * 2_200 + 48 * 1024 * 1024);

    tracked.tcp().resume();
    await expect.poll(() => stalledSeen.length, { timeout: 30_000 }).toBe(total);
    expect(stalledSeen).toEqual(range(total));
    expect(healthySeen).toEqual(range(total));
  });

  it('disconnect policy: closes the slow connection with 4004 and the client recovers from history', async () => {
    const { server, router } = await hub({
      queueSize: 50,
      queueBytes: 64 * 1024,
      slowConsumerPolicy: 'disconnect',
      history: { historySize: 50_000 },
    });
    const tracked = trackedWebSocket();
    const slow = client({ url: server.url, WebSocket: tracked.WebSocket });
    await slow.connect();
    await slow.subscribe(['burst.#']);
    const seen = collect(slow);
    const closes: number[] = [];
    slow.on('disconnected', (event) => closes.push(event.code));
    tracked.tcp().pause();
    const payload = 'y'.repeat(4096);
    const total = 3_000;
    for (let i = 0; i < total; i++) await router.publish('burst.a', { i, payload });
    rawSocketOf(tracked.sockets[0]!)!.resume();
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(total);
    expect(seen.map((data) => (data as { i: number }).i)).toEqual(range(total));
    expect(closes).toContain(4004);
  });
});
