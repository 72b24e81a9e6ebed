import { ErrorCode, type EventFrame, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { HANG } from './testing/fake-hub.ts';
import { harness, next, record, rejection } from './testing/harness.ts';

const h = harness();

describe('subscribe and publish', () => {
  it('subscribes, publishes with an ack, and fans events out to event and event:<topic>', async () => {
    const hub = await h.hub();
    const watcher = h.client(hub);
    const publisher = h.client(hub);
    await Promise.all([watcher.connect(), publisher.connect()]);

    const outcomes = await watcher.subscribe(['agent.*.status', 'task.#']);
    expect(outcomes).toEqual([
      { pattern: 'agent.*.status', wasRecovering: false, recovered: false, replayed: 0 },
      { pattern: 'task.#', wasRecovering: false, recovered: false, replayed: 0 },
    ]);
    expect(watcher.subscriptions).toEqual(new Set(['agent.*.status', 'task.#']));

    const all = record(watcher, 'event');
    const perTopic: EventFrame[] = [];
    watcher.on('event:agent.42.status', (event) => perTopic.push(event));
    const other = record(watcher, 'event:agent.7.status');

    const ack = await publisher.publish('agent.42.status', { state: 'busy' });
    expect(ack).toEqual({ offset: 1, sequenceNumber: 1, epoch: hub.epoch, duplicate: false });
    await publisher.publish('task.1', 'created');
    await publisher.publish('unrelated.topic', 1);

    await vi.waitFor(() => expect(all).toHaveLength(2));
    expect(all.map((e) => e.topic)).toEqual(['agent.42.status', 'task.1']);
    expect(perTopic).toHaveLength(1);
    expect(perTopic[0]).toMatchObject({
      topic: 'agent.42.status',
      data: { state: 'busy' },
      sequenceNumber: 1,
      offset: 1,
    });
    expect(other).toHaveLength(0);
  });

  it('uses a caller id and reports duplicates, suppresses echo on request', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    await client.subscribe('a.b');
    const events = record(client, 'event');
    const first = await client.publish('a.b', 1, { id: 'msg-1' });
    const again = await client.publish('a.b', 1, { id: 'msg-1' });
    expect(again).toEqual({ ...first, duplicate: true });
    await client.publish('a.b', 2, { echo: false });
    await client.publish('a.b', 3);
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events.map((e) => e.data)).toEqual([1, 3]);
    expect(
      hub
        .framesOf(0)
        .filter((f) => f.type === 'publish')
        .map((f) => f.id)[0],
    ).toBe('msg-1');
  });

  it('rejects invalid topics and patterns before sending', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    expect(((await rejection(client.publish('a.*', 1))) as SwitchboardError).code).toBe(
      ErrorCode.INVALID_TOPIC,
    );
    expect(((await rejection(client.subscribe('a..b'))) as SwitchboardError).code).toBe(
      ErrorCode.INVALID_PATTERN,
    );
    expect(hub.framesOf(0).map((f) => f.type)).toEqual(['hello']);
  });

  it('rejects a refused subscribe with the error code and forgets the patterns', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const error = (await rejection(
      client.subscribe(['ok.topic', 'forbidden.x']),
    )) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    expect(client.subscriptions.size).toBe(0);
  });

  it('splits large subscribes into frames of 100 patterns', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const patterns = Array.from({ length: 250 }, (_, i) => `p.${i}`);
    const outcomes = await client.subscribe(patterns);
    expect(outcomes.map((o) => o.pattern)).toEqual(patterns);
    const frames = hub.framesOf(0).filter((f) => f.type === 'subscribe');
    expect(frames.map((f) => f.topics.length)).toEqual([100, 100, 50]);
  });

  it('replays history with since', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    await client.publish('h.t', 1);
    await client.publish('h.t', 2);
    const events = record(client, 'event');
    const [outcome] = await client.subscribe('h.#', { since: 1 });
    expect(outcome?.replayed).toBe(1);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ data: 2, replay: true });
    expect(hub.framesOf(0).find((f) => f.type === 'subscribe')).toMatchObject({ since: 1 });
  });

  it('unsubscribes', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    await client.subscribe(['x.1', 'x.2']);
    await client.unsubscribe('x.1');
    expect(client.subscriptions).toEqual(new Set(['x.2']));
    expect(hub.connections[0]?.subscriptions).toEqual(new Set(['x.2']));
  });
});

describe('request and sendAndWait', () => {
  it('resolves a request with the response data', async () => {
    const hub = await h.hub({
      methods: { add: (d) => (d as number[]).reduce((a, b) => a + b, 0) },
    });
    const client = h.client(hub);
    await client.connect();
    await expect(client.request('add', [1, 2, 3])).resolves.toBe(6);
  });

  it('resolves sendAndWait with the whole reply frame and assigns an id', async () => {
    const hub = await h.hub({ methods: { echo: (d) => d } });
    const client = h.client(hub);
    await client.connect();
    const reply = await client.sendAndWait({ type: 'request', method: 'echo', data: 'hi' });
    expect(reply).toMatchObject({ type: 'response', data: 'hi', id: expect.any(String) });
    const pong = await client.sendAndWait({ type: 'ping', id: 'p-1', ts: 5 });
    expect(pong).toEqual({ type: 'pong', id: 'p-1', ts: 5 });
    const ack = await client.sendAndWait({ type: 'subscribe', topics: ['raw.#'] });
    expect(ack).toMatchObject({ type: 'ack', ok: true });
    expect(client.subscriptions.has('raw.#')).toBe(true);
  });

  it('rejects at once on an error frame with the request id', async () => {
    const hub = await h.hub();
    const client = h.client(hub, { messageTimeoutMs: 20_000 });
    await client.connect();
    const started = Date.now();
    const error = (await rejection(client.request('missing', null))) as SwitchboardError;
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe(ErrorCode.NOT_FOUND);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out on silence with TIMEOUT', async () => {
    const hub = await h.hub({ methods: { hang: () => HANG } });
    const client = h.client(hub, { messageTimeoutMs: 50 });
    await client.connect();
    const error = (await rejection(client.request('hang', null))) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    const viaOption = (await rejection(
      client.sendAndWait({ type: 'request', method: 'hang', data: null }, 30),
    )) as SwitchboardError;
    expect(viaOption.code).toBe(ErrorCode.TIMEOUT);
  });

  it('rejects frames the client owns or the schema refuses', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const hello = { type: 'hello', versions: [1] } as unknown as Parameters<typeof client.send>[0];
    expect(() => client.send(hello)).toThrow(SwitchboardError);
    const bad = { type: 'publish', topic: 'a', data: 1, ack: 'yes' } as unknown as Parameters<
      typeof client.send
    >[0];
    expect(((await rejection(client.sendAndWait(bad))) as SwitchboardError).code).toBe(
      ErrorCode.INVALID_MESSAGE,
    );
  });

  it('rejects frames larger than the hub maxPayload instead of getting disconnected', async () => {
    const hub = await h.hub({ maxPayload: 1024 });
    const client = h.client(hub);
    await client.connect();
    const error = (await rejection(
      client.publish('big.one', 'x'.repeat(2000)),
    )) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
    expect(client.state).toBe('connected');
    await expect(client.publish('small.one', 'x')).resolves.toMatchObject({ offset: 1 });
  });
});

describe('server frames without a caller', () => {
  it('emits error frames without an id, dropped frames, and answers server pings', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    const error = next(client, 'error');
    hub.broadcast({ type: 'error', code: ErrorCode.RATE_LIMITED, message: 'slow down' });
    expect((await error).code).toBe(ErrorCode.RATE_LIMITED);

    const dropped = next(client, 'dropped');
    hub.broadcast({ type: 'dropped', epoch: hub.epoch, fromOffset: 3, toOffset: 9, count: 7 });
    expect(await dropped).toMatchObject({ fromOffset: 3, toOffset: 9, count: 7 });

    hub.broadcast({ type: 'ping', id: 'srv-1', ts: 42 });
    await vi.waitFor(() =>
      expect(hub.framesOf(0)).toContainEqual({ type: 'pong', id: 'srv-1', ts: 42 }),
    );
  });
});
