import { CloseCode, ErrorCode, type ServerFrame } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { WSServerOptions } from './options.ts';
import type { Principal } from './principal.ts';
import { useHubFixture } from './test-support/fixture.ts';
import type { RawPeer } from './test-support/raw-peer.ts';
import { setRateLimitClock } from './testing.ts';

const { hub, welcomed } = useHubFixture();

/** A hub whose rate limits read a clock the test moves by hand. */
async function clockedHub(options: WSServerOptions) {
  const started = await hub(options);
  const clock = { now: 1_000 };
  setRateLimitClock(started.server, () => clock.now);
  return { ...started, clock };
}

/** Sends `count` publishes named `${prefix}${i}` and waits for the answer to each. */
async function publishMany(peer: RawPeer, count: number, prefix = 'm'): Promise<ServerFrame[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
  for (const id of ids) peer.send({ type: 'publish', id, topic: 'load.test', data: id });
  return Promise.all(ids.map((id) => peer.reply(id)));
}

const acked = (replies: ServerFrame[]) => replies.filter((reply) => reply.type === 'ack').length;
const refused = (replies: ServerFrame[]) =>
  replies.filter((reply) => reply.type === 'error' && reply.code === ErrorCode.RATE_LIMIT_EXCEEDED);

describe('rate limits', () => {
  it("the seed's rateLimit { maxMessages: 100, windowMs: 60000 }: of 150 publishes, 100 are acked and exactly the 50 past them refused, each by its id", async () => {
    const { url, router } = await clockedHub({
      rateLimit: { maxMessages: 100, windowMs: 60_000 },
    });
    const subscriber = await welcomed(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['load.#'] });
    await subscriber.reply('s');
    const publisher = await welcomed(url);
    const replies = await publishMany(publisher, 150);
    expect(replies.slice(0, 100).every((reply) => reply.type === 'ack')).toBe(true);
    const excess = replies.slice(100);
    expect(refused(excess)).toHaveLength(50);
    expect(excess.map((reply) => ('id' in reply ? reply.id : undefined))).toEqual(
      Array.from({ length: 50 }, (_, i) => `m${i + 101}`),
    );
    // The bucket refills at 100 per minute: one token every 600 ms.
    expect(excess[0]).toMatchObject({
      details: { retryAfterMs: 600, limit: 'messages', maxMessages: 100, windowMs: 60_000 },
    });
    expect(router.stats().published).toBe(100);
    await expect.poll(() => subscriber.frames.filter((f) => f.type === 'event').length).toBe(100);
    // Nothing else was answered: every publish got exactly one reply.
    expect(publisher.frames.filter((f) => f.type === 'ack' || f.type === 'error')).toHaveLength(0);
  });

  it('refills over time: retryAfterMs is exactly long enough', async () => {
    const { url, clock } = await clockedHub({ rateLimit: { maxMessages: 100, windowMs: 60_000 } });
    const p = await welcomed(url);
    expect(acked(await publishMany(p, 100, 'a'))).toBe(100);
    p.send({ type: 'publish', id: 'early', topic: 'x', data: 1 });
    expect(await p.reply('early')).toMatchObject({ details: { retryAfterMs: 600 } });
    clock.now += 599;
    p.send({ type: 'publish', id: 'still-early', topic: 'x', data: 1 });
    expect(await p.reply('still-early')).toMatchObject({ details: { retryAfterMs: 1 } });
    clock.now += 1;
    p.send({ type: 'publish', id: 'on-time', topic: 'x', data: 1 });
    expect(await p.reply('on-time')).toMatchObject({ type: 'ack', ok: true });
    clock.now += 60_000;
    const refilled = await publishMany(p, 101, 'b');
    expect(acked(refilled)).toBe(100);
  });

  it('shares one set of buckets among the connections of a named principal; anonymous connections have their own', async () => {
    const principals: Record<string, Principal | true> = {
      agent: { id: 'agent-7' },
      anonymous: true,
    };
    const { url, server } = await clockedHub({
      authenticate: (token) => principals[token] ?? false,
      rateLimit: { publish: { maxMessages: 4, windowMs: 60_000 } },
    });
    const first = await welcomed(url, 'agent');
    const second = await welcomed(url, 'agent');
    expect(acked(await publishMany(first, 3, 'f'))).toBe(3);
    const replies = await publishMany(second, 2, 's');
    expect(replies.map((reply) => reply.type)).toEqual(['ack', 'error']);
    expect(replies[1]).toMatchObject({
      code: ErrorCode.RATE_LIMIT_EXCEEDED,
      details: { limit: 'publish', retryAfterMs: 15_000 },
    });
    const one = await welcomed(url, 'anonymous');
    const other = await welcomed(url, 'anonymous');
    expect(acked(await publishMany(one, 5, 'o'))).toBe(4);
    expect(acked(await publishMany(other, 5, 'p'))).toBe(4);
    // A principal's buckets go with its last connection.
    expect(server.rateLimitStage.principals).toBe(1);
    await first.close();
    await expect.poll(() => server.getConnectedClients().length).toBe(3);
    expect(server.rateLimitStage.principals).toBe(1);
    await second.close();
    await expect.poll(() => server.rateLimitStage.principals).toBe(0);
  });

  it('limits each frame type by its own bucket, besides the bucket of all messages', async () => {
    const { url, router, server } = await clockedHub({
      rateLimit: {
        messages: { maxMessages: 6, windowMs: 1_000 },
        subscribe: { maxMessages: 1, windowMs: 1_000 },
        request: { maxMessages: 2, windowMs: 1_000, burst: 1 },
      },
    });
    router.route({ method: 'echo', handler: (data) => data });
    const p = await welcomed(url);
    p.send({ type: 'subscribe', id: 's1', topics: ['a.#'] });
    p.send({ type: 'subscribe', id: 's2', topics: ['b.#'] });
    p.send({ type: 'request', id: 'r1', method: 'echo', data: 1 });
    p.send({ type: 'request', id: 'r2', method: 'echo', data: 2 });
    p.send({ type: 'publish', id: 'p1', topic: 'a.x', data: 1 });
    p.send({ type: 'unsubscribe', id: 'u1', topics: ['a.#'] });
    p.send({ type: 'publish', id: 'p2', topic: 'a.x', data: 2 });
    p.send({ type: 'publish', id: 'p3', topic: 'a.x', data: 3 });
    p.send({ type: 'publish', id: 'p4', topic: 'a.x', data: 4 });
    const answers = await Promise.all(
      ['s1', 's2', 'r1', 'r2', 'p1', 'u1', 'p2', 'p3', 'p4'].map((id) => p.reply(id)),
    );
    expect(answers.map((a) => (a.type === 'error' ? a.details?.limit : a.type))).toEqual([
      'ack', // s1
      'subscribe', // s2: one subscribe per second
      'response', // r1
      'request', // r2: a burst of 1
      'ack', // p1
      'ack', // u1
      'ack', // p2
      'ack', // p3: the sixth message that passed (refusals take no token)
      'messages', // p4: the seventh
    ]);
    // The refused subscribe registered nothing (a.# was unsubscribed again).
    expect(server.getConnectedClients().map((client) => client.subscriptions)).toEqual([[]]);
  });

  it("lets a principal's rateLimits override the server's, key by key", async () => {
    const principals: Record<string, Principal> = {
      tight: { id: 'tight', rateLimits: { publish: { maxMessages: 1, windowMs: 1_000 } } },
      trusted: { id: 'coordinator', rateLimits: { messages: false } },
      plain: { id: 'plain' },
    };
    const { url } = await clockedHub({
      authenticate: (token) => principals[token] ?? false,
      rateLimit: { maxMessages: 3, windowMs: 1_000 },
    });
    const tight = await welcomed(url, 'tight');
    const trusted = await welcomed(url, 'trusted');
    const plain = await welcomed(url, 'plain');
    expect(acked(await publishMany(tight, 3))).toBe(1);
    expect(acked(await publishMany(trusted, 50))).toBe(50);
    expect(acked(await publishMany(plain, 5))).toBe(3);
  });

  it('does not count pings: they are answered before any stage', async () => {
    const { url } = await clockedHub({ rateLimit: { maxMessages: 1, windowMs: 60_000 } });
    const p = await welcomed(url);
    for (let i = 0; i < 5; i++) p.send({ type: 'ping', id: `ping${i}` });
    await p.next('pong', 'ping4');
    expect(acked(await publishMany(p, 2))).toBe(1);
  });

  it('limits auth frames of an open connection (10 per minute by default)', async () => {
    const { url, clock } = await clockedHub({ authenticate: () => ({ id: 'agent' }) });
    const p = await welcomed(url, 'token');
    // Refreshes one at a time: each of the first ten is checked and acked.
    const answers = [];
    for (let i = 0; i < 11; i++) {
      p.send({ type: 'auth', id: `auth${i}`, token: 'token' });
      answers.push(await p.reply(`auth${i}`));
    }
    expect(answers.slice(0, 10).every((a) => a.type === 'ack' && a.ok === true)).toBe(true);
    expect(answers[10]).toMatchObject({
      code: ErrorCode.RATE_LIMIT_EXCEEDED,
      details: { limit: 'auth', retryAfterMs: 6_000 },
    });
    clock.now += 6_000;
    p.send({ type: 'auth', id: 'later', token: 'token' });
    expect(await p.reply('later')).toMatchObject({ type: 'ack', ok: true });
  });

  it("policy 'disconnect' closes with 4029 at the disconnectAfter-th refusal within the window", async () => {
    const { url, clock } = await clockedHub({
      rateLimit: {
        publish: { maxMessages: 1, windowMs: 60_000 },
        policy: 'disconnect',
        disconnectAfter: 3,
        disconnectWindowMs: 1_000,
      },
    });
    const p = await welcomed(url);
    expect(acked(await publishMany(p, 3, 'a'))).toBe(1); // two refusals
    clock.now += 1_000; // the window of those two is over
    expect(acked(await publishMany(p, 2, 'b'))).toBe(0); // two more: still open
    p.send({ type: 'publish', id: 'last', topic: 'x', data: 1 });
    expect(await p.reply('last')).toMatchObject({ code: ErrorCode.RATE_LIMIT_EXCEEDED });
    expect(await p.next('disconnect')).toMatchObject({
      code: CloseCode.RATE_LIMITED,
      reconnect: true,
    });
    expect((await p.closed).code).toBe(CloseCode.RATE_LIMITED);
    // One answer for the last publish, not a second one after the close.
    expect(p.frames.filter((frame) => 'id' in frame && frame.id === 'last')).toEqual([]);
  });
});
