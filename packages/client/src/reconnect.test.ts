import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { PublishResult } from './api.ts';
import { HANG } from './testing/fake-hub.ts';
import { harness, next, record, rejection } from './testing/harness.ts';

const h = harness();

describe('reconnect', () => {
  it('resubscribes, resends unacked publishes with the same id, then flushes the queue in order', async () => {
    const hub = await h.hub({ methods: { slow: () => undefined } });
    const client = h.client(hub);
    await client.connect();
    await client.subscribe(['agent.*.status', 'task.#']);

    hub.holdPublishAcks = true;
    const inFlight = client.publish('task.1', 'in-flight', { id: 'held-1' });
    await vi.waitFor(() =>
      expect(hub.framesOf(0).some((f) => f.type === 'publish' && f.id === 'held-1')).toBe(true),
    );

    // Calls made while the socket is down must be queued, so make them the moment it drops.
    let queued: Promise<PublishResult>[] = [];
    let sendResult: boolean | undefined;
    const disconnected = new Promise<void>((resolve) => {
      client.once('disconnected', (event) => {
        expect(event.willReconnect).toBe(true);
        expect(client.state).toBe('reconnecting');
        queued = [client.publish('task.2', 'queued-a'), client.publish('task.3', 'queued-b')];
        sendResult = client.send({ type: 'publish', id: 'fire-1', topic: 'task.4', data: 'sent' });
        resolve();
      });
    });
    const reconnecting = next(client, 'reconnecting');
    hub.holdPublishAcks = false;
    hub.dropAll();
    await disconnected;
    expect(sendResult).toBe(true);
    expect((await reconnecting).attempt).toBe(1);

    await next(client, 'connected');
    const acks = await Promise.all([inFlight, ...queued]);
    // The hub stored held-1 before the drop: the resend is recognised as a duplicate.
    expect(acks.map((a) => a.duplicate)).toEqual([true, false, false]);

    // fire-1 has no ack to wait for.
    await vi.waitFor(() => expect(hub.framesOf(1)).toHaveLength(6));
    const frames = hub.framesOf(1);
    expect(frames.map((f) => f.type)).toEqual([
      'hello',
      'subscribe',
      'publish',
      'publish',
      'publish',
      'publish',
    ]);
    const [, resubscribe, ...publishes] = frames;
    expect(resubscribe).toMatchObject({ topics: ['agent.*.status', 'task.#'] });
    expect(publishes.map((f) => (f.type === 'publish' ? [f.id, f.data] : []))).toEqual([
      ['held-1', 'in-flight'],
      [expect.any(String), 'queued-a'],
      [expect.any(String), 'queued-b'],
      ['fire-1', 'sent'],
    ]);
    expect(hub.connections[1]?.subscriptions).toEqual(new Set(['agent.*.status', 'task.#']));
  });

  it('resumes from the last event position and reports the recovery', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    const other = h.client(hub, { reconnect: false });
    await Promise.all([client.connect(), other.connect()]);
    await client.subscribe('feed.#');
    const events = record(client, 'event');
    await other.publish('feed.a', 1);
    await vi.waitFor(() => expect(events).toHaveLength(1));

    hub.connections[0]?.socket.terminate();
    await next(client, 'disconnected');
    await other.publish('feed.a', 2); // missed while down
    await next(client, 'connected');

    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events[1]).toMatchObject({ data: 2, replay: true });
    const resubscribe = hub.connections.at(-1)?.frames.find((f) => f.type === 'subscribe');
    expect(resubscribe).toMatchObject({ position: { epoch: hub.epoch, offset: 1 } });
  });

  it('rejects requests that were in flight with CONNECTION_CLOSED and does not resend them', async () => {
    const hub = await h.hub({ methods: { slow: () => HANG } });
    const client = h.client(hub);
    await client.connect();
    const request = rejection(client.request('slow', null));
    const raw = rejection(client.sendAndWait({ type: 'request', method: 'slow', data: null }));
    await vi.waitFor(() =>
      expect(hub.framesOf(0).filter((f) => f.type === 'request')).toHaveLength(2),
    );
    hub.dropAll();
    expect(((await request) as SwitchboardError).code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(((await raw) as SwitchboardError).code).toBe(ErrorCode.CONNECTION_CLOSED);
    await next(client, 'connected');
    await client.sendAndWait({ type: 'ping' });
    expect(hub.framesOf(1).map((f) => f.type)).toEqual(['hello', 'ping']);
  });

  it('resolves subscribe() calls made while offline through the resubscribe', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    const subscribed = client.subscribe('early.#', { since: 0 });
    const published = client.publish('early.topic', 'before connect');
    await client.connect();
    const [outcome] = await subscribed;
    expect(outcome?.pattern).toBe('early.#');
    await expect(published).resolves.toMatchObject({ offset: 1 });
    expect(hub.framesOf(0).map((f) => f.type)).toEqual(['hello', 'subscribe', 'publish']);
  });

  it('gives up after maxReconnectAttempts with reconnect-failed and rejects the queue', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { maxReconnectAttempts: 3 });
    await client.connect();
    const attempts = record(client, 'reconnecting');
    const failed = next(client, 'reconnect-failed');
    await hub.close();
    await next(client, 'disconnected');
    const queued = rejection(client.publish('q.t', 1));

    expect((await failed).attempts).toBe(3);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(client.state).toBe('closed');
    expect(((await queued) as SwitchboardError).code).toBe(ErrorCode.CONNECTION_CLOSED);
  });

  it('keeps reconnect delays within the full-jitter ceiling', async () => {
    const hub = await h.hub();
    const client = h.client(hub, {
      reconnectIntervalMs: 5,
      maxReconnectIntervalMs: 20,
      reconnectMultiplier: 2,
      maxReconnectAttempts: 6,
    });
    await client.connect();
    const attempts = record(client, 'reconnecting');
    const failed = next(client, 'reconnect-failed');
    await hub.close();
    await failed;
    const ceilings = [5, 10, 20, 20, 20, 20];
    attempts.forEach((a, i) => {
      expect(a.delayMs).toBeGreaterThanOrEqual(0);
      expect(a.delayMs).toBeLessThan(ceilings[i]!);
    });
  });

  it('disconnect() during backoff stops reconnecting and rejects queued calls', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { reconnectIntervalMs: 60_000, maxReconnectIntervalMs: 60_000 });
    await client.connect();
    const reconnecting = next(client, 'reconnecting');
    hub.dropAll();
    await reconnecting;
    const queued = rejection(client.publish('a.b', 1));
    await client.disconnect();
    expect(client.state).toBe('closed');
    expect(((await queued) as SwitchboardError).code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(((await rejection(client.publish('a.b', 2))) as SwitchboardError).code).toBe(
      ErrorCode.NOT_CONNECTED,
    );
  });

  it('disconnect() rejects pending calls with CONNECTION_CLOSED and resolves once closed', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    hub.holdPublishAcks = true;
    const pending = rejection(client.publish('a.b', 1));
    const disconnected = record(client, 'disconnected');
    await client.disconnect();
    expect(((await pending) as SwitchboardError).code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(disconnected).toMatchObject([
      {
        code: 1000,
        reason: 'client disconnect',
        willReconnect: false,
        error: { code: ErrorCode.CONNECTION_CLOSED },
      },
    ]);
    await vi.waitFor(() => expect(hub.connections[0]?.socket.readyState).toBe(3));
    // A closed client connects again, with its subscriptions.
    await client.connect();
    expect(client.state).toBe('connected');
  });

  it('reconnects after a graceful hub shutdown that asks for it, and not otherwise', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const first = next(client, 'disconnected');
    hub.announceShutdown(true);
    expect(await first).toMatchObject({
      code: 1001,
      reason: 'shutting down',
      willReconnect: true,
      error: { code: ErrorCode.SERVER_SHUTTING_DOWN },
    });
    await next(client, 'connected');

    const second = next(client, 'disconnected');
    hub.announceShutdown(false);
    expect(await second).toMatchObject({ code: 1001, willReconnect: false });
    expect(client.state).toBe('closed');
  });

  it('does not reconnect when reconnect is false', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { reconnect: false });
    await client.connect();
    const disconnected = next(client, 'disconnected');
    hub.dropAll();
    expect((await disconnected).willReconnect).toBe(false);
    expect(client.state).toBe('closed');
  });
});

describe('offline queue', () => {
  it('rejects calls beyond offlineQueueSize with QUEUE_FULL and emits error', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { offlineQueueSize: 2 });
    const errors = record(client, 'error');
    const first = client.publish('q.a', 1);
    const second = client.request('q', null).catch((error: unknown) => error);
    const third = rejection(client.publish('q.c', 3));
    expect(((await third) as SwitchboardError).code).toBe(ErrorCode.QUEUE_FULL);
    expect(client.send({ type: 'ping' })).toBe(false);
    expect(errors.map((e) => e.code)).toEqual([ErrorCode.QUEUE_FULL, ErrorCode.QUEUE_FULL]);

    await client.connect();
    await expect(first).resolves.toMatchObject({ offset: 1 });
    expect(((await second) as SwitchboardError).code).toBe(ErrorCode.NOT_FOUND);
    expect(hub.framesOf(0).map((f) => f.type)).toEqual(['hello', 'publish', 'request']);
  });
});

describe('heartbeat', () => {
  it("detects a hub that stops answering, using the hub's interval, and reconnects", async () => {
    const hub = await h.hub({ heartbeatIntervalMs: 40, silent: (index) => index === 0 });
    const client = h.client(hub);
    await client.connect();
    const disconnected = await next(client, 'disconnected');
    expect(disconnected).toMatchObject({
      code: 4005,
      reason: 'heartbeat timeout',
      willReconnect: true,
      error: { code: ErrorCode.CONNECTION_CLOSED, details: { closeName: 'HEARTBEAT_TIMEOUT' } },
    });
    expect(hub.framesOf(0).filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(1);
    await next(client, 'connected');
    expect(client.connectionId).toBe('conn-1');
  });

  it('keeps a quiet but answering connection alive', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { heartbeatIntervalMs: 20 });
    const disconnected = record(client, 'disconnected');
    await client.connect();
    // Eight intervals of silence apart from pongs.
    await vi.waitFor(
      () =>
        expect(hub.framesOf(0).filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(8),
      { timeout: 5000 },
    );
    expect(disconnected).toHaveLength(0);
    expect(client.state).toBe('connected');
  });
});
