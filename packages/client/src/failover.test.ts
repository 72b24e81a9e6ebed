import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { WSClient } from './index.ts';
import { FakeHub } from './testing/fake-hub.ts';
import { FAST, harness, next, record, rejection } from './testing/harness.ts';

const h = harness();

/** A URL where nothing listens any more (a hub that was there and stopped). */
async function deadUrl(): Promise<string> {
  const hub = await FakeHub.start();
  const url = hub.url;
  await hub.close();
  return url;
}

describe('several hub URLs', () => {
  it('moves to the next URL when its node is lost and resumes from its position there', async () => {
    const [a, b] = [await h.hub(), await h.hub()];
    const client = h.client(a, { url: [a.url, b.url] });
    await client.connect();
    expect(client.url).toBe(a.url);
    await client.subscribe('feed.#');
    const events = record(client, 'event');
    const publisher = h.client(a, { reconnect: false });
    await publisher.connect();
    await publisher.publish('feed.x', 1);
    await vi.waitFor(() => expect(events).toHaveLength(1));

    const reconnecting = next(client, 'reconnecting');
    a.dropAll();
    expect((await reconnecting).url).toBe(b.url);
    await next(client, 'connected');
    expect(client.url).toBe(b.url);
    // The resume position is the one of the lost node: b (one log with a, in a real
    // cluster) replays from there.
    await vi.waitFor(() => expect(b.framesOf(0).map((frame) => frame.type)).toContain('subscribe'));
    const resubscribe = b.framesOf(0).find((frame) => frame.type === 'subscribe');
    expect(resubscribe).toMatchObject({
      topics: ['feed.#'],
      position: { epoch: a.epoch, offset: 1 },
    });
  });

  it('goes to the next URL at once, without a backoff, when its node shuts down gracefully', async () => {
    const [a, b] = [await h.hub(), await h.hub()];
    // A backoff this long would outlast the test: only an immediate move passes.
    const slow = { reconnectIntervalMs: 60_000, maxReconnectIntervalMs: 60_000 };
    const client = h.client(a, { url: [a.url, b.url], ...slow });
    await client.connect();
    await client.subscribe('feed.#');
    const reconnecting = next(client, 'reconnecting');
    const connected = next(client, 'connected');
    a.announceShutdown(true);
    expect(await reconnecting).toMatchObject({ attempt: 1, delayMs: 0, url: b.url });
    await connected;
    await vi.waitFor(() => expect(b.connections[0]?.subscriptions).toEqual(new Set(['feed.#'])));
  });

  it('keeps the backoff for a lost node and for a single URL', async () => {
    const [a, b] = [await h.hub(), await h.hub()];
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const lost = h.client(a, { url: [a.url, b.url], reconnectIntervalMs: 40 });
      const single = h.client(b, { reconnectIntervalMs: 40 });
      await Promise.all([lost.connect(), single.connect()]);
      const delays = [next(lost, 'reconnecting'), next(single, 'reconnecting')];
      a.dropAll();
      b.announceShutdown(true);
      expect((await Promise.all(delays)).map((event) => event.delayMs)).toEqual([20, 20]);
    } finally {
      random.mockRestore();
    }
  });

  it('does not reconnect anywhere when the node says not to', async () => {
    const [a, b] = [await h.hub(), await h.hub()];
    const client = h.client(a, { url: [a.url, b.url] });
    await client.connect();
    const disconnected = next(client, 'disconnected');
    a.announceShutdown(false);
    expect((await disconnected).willReconnect).toBe(false);
    expect(client.state).toBe('closed');
    expect(b.connections).toHaveLength(0);
  });

  it('first connect tries every URL once before it rejects', async () => {
    const b = await h.hub();
    const dead = await deadUrl();
    const client = h.client(b, { url: undefined, urls: [dead, b.url] });
    await client.connect();
    expect(client.url).toBe(b.url);

    const nowhere = h.client(dead, { url: [dead, await deadUrl()] });
    const error = (await rejection(nowhere.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(nowhere.state).toBe('closed');
  });

  it('first connect stops at a refusal that no other node would answer differently', async () => {
    const [a, b] = [await h.hub({ tokens: {} }), await h.hub()];
    const client = h.client(a, { url: [a.url, b.url], token: 'bad' });
    const error = (await rejection(client.connect())) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(b.connections).toHaveLength(0);
  });

  it('cycles through the URLs while reconnecting, wrapping around', async () => {
    const [a, b] = [await h.hub(), await h.hub()];
    const c = await h.hub();
    const client = h.client(a, { url: [a.url, b.url, c.url] });
    await client.connect();
    const urls = record(client, 'reconnecting');
    // b is gone; c answers.
    const bUrl = b.url;
    await b.close();
    a.dropAll();
    await next(client, 'connected');
    expect(client.url).toBe(c.url);
    c.dropAll();
    await next(client, 'connected');
    expect(client.url).toBe(a.url);
    expect(urls.map((event) => event.url)).toEqual([bUrl, c.url, a.url]);
  });
});

describe('the url and urls options', () => {
  const url = 'ws://127.0.0.1:1';
  it.each([
    [{ url: [] }, /"url" is required/],
    [{ urls: [] }, /"urls" is required/],
    [{ url: [url, 'ftp://x'] }, /"url\[1\]" must use ws:/],
    [{ urls: [url, 5] }, /"urls\[1\]" is required and must be a string/],
    [{ url, urls: [url] }, /"url" and "urls" conflict/],
    [{}, /"url" is required/],
  ])('refuses %j', (options, message) => {
    expect(() => new WSClient({ ...FAST, ...(options as object) })).toThrow(message);
  });
});

describe('a log reset under a live connection', () => {
  it('reports resync-required with epoch-changed at the first event of the new epoch', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    await client.subscribe('feed.#');
    const events = record(client, 'event');
    const resyncs = record(client, 'resync-required');
    const publisher = h.client(hub, { reconnect: false });
    await publisher.connect();
    await publisher.publish('feed.x', 1);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(resyncs).toEqual([]);
    // What a node sends once its engine found a new log (a Redis without persistence restarted).
    const fresh = { type: 'event', id: 'n1', topic: 'feed.x', data: 2, sequenceNumber: 1 } as const;
    hub.broadcast({ ...fresh, offset: 1, epoch: 'epoch-2', timestamp: Date.now() });
    hub.broadcast({ ...fresh, id: 'n2', offset: 2, epoch: 'epoch-2', timestamp: Date.now() });
    await vi.waitFor(() => expect(events).toHaveLength(3));
    expect(resyncs).toEqual([
      { reason: 'epoch-changed', patterns: ['feed.#'], position: { epoch: hub.epoch, offset: 1 } },
    ]);
    expect(events.map((e) => [e.epoch, e.offset])).toEqual([
      [hub.epoch, 1],
      ['epoch-2', 1],
      ['epoch-2', 2],
    ]);
  });
});
