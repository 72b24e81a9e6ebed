import { ErrorCode, type ServerFrame } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { rawSocketOf } from './raw-socket.ts';
import { range, useHubFixture } from './test-support/fixture.ts';

const { hub, identified, welcomed } = useHubFixture();

describe('replays under a client that does not read', () => {
  it('holds one replay per connection, makes repeats wait within replayQueueBytes and refuses the rest', async () => {
    // 10 MB of history: more than the kernel's buffers take from a reader that does not read.
    const events = 1_000;
    const { url, server, router } = await hub({}, { replayQueueBytes: 256 });
    const payload = 'x'.repeat(10_000);
    for (const i of range(events)) await router.publish(`replay.${i % 4}`, { i, payload });
    const { peer: reader, id } = await identified(url);
    rawSocketOf(reader.socket)!.pause();
    const repeats = 50;
    reader.sendInOneWrite(
      range(repeats).map((i) => ({
        type: 'subscribe',
        id: `s${i}`,
        topics: ['replay.#'],
        since: 0,
      })),
    );
    const connection = () => server.getConnection(id)!;
    await vi.waitFor(() => expect(connection().messagesIn).toBe(1 + repeats));
    // The hub's own accounting: one replay of `events` entries at most (less what the kernel
    // took), plus the answers queued for the refused repeats.
    expect(connection().output.queuedMessages).toBeLessThanOrEqual(events + repeats);
    // The first replay stalled in the socket and some repeats wait for it.
    expect(connection().output.waitingReplayBytes).toBeGreaterThan(0);
    expect(connection().output.waitingReplayBytes).toBeLessThanOrEqual(256);

    rawSocketOf(reader.socket)!.resume();
    const answers = await Promise.all(range(repeats).map((i) => reader.reply(`s${i}`, 20_000)));
    const acked = answers.filter((answer) => answer.type === 'ack');
    const refused = answers.filter((answer) => answer.type === 'error');
    expect(acked.length + refused.length).toBe(repeats);
    expect(acked.length).toBeGreaterThan(1);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({
        code: ErrorCode.RATE_LIMITED,
        details: { replayQueueBytes: 256 },
      });
    }
    // Every acknowledged replay was complete.
    for (const ack of acked) {
      expect(ack).toMatchObject({ subscriptions: [{ recovered: true, replayed: events }] });
    }
    await vi.waitFor(() =>
      expect(reader.frames.filter((frame) => frame.type === 'event')).toHaveLength(
        acked.length * events,
      ),
    );
  });

  it('keeps subscribes and unsubscribes sent behind a waiting replay in the order sent', async () => {
    const { url, server, router } = await hub();
    const payload = 'x'.repeat(10_000);
    // 10 MB: more than the kernel's buffers take from a reader that does not read.
    for (const i of range(1_000)) await router.publish(`a.${i % 4}`, { i, payload });
    const { peer: reader, id } = await identified(url);
    rawSocketOf(reader.socket)!.pause();
    reader.sendInOneWrite([
      { type: 'subscribe', id: 's1', topics: ['a.#'], since: 0 },
      { type: 'subscribe', id: 's2', topics: ['b.#'], since: 0 },
      { type: 'unsubscribe', id: 'u2', topics: ['b.#'] },
      { type: 'subscribe', id: 's3', topics: ['c.#'] },
    ]);
    await vi.waitFor(() => expect(server.getConnection(id)!.messagesIn).toBe(5));
    // The first replay is in flight; everything after the waiting one waits behind it.
    expect(router.getSubscriptions(id)).toEqual(['a.#']);
    rawSocketOf(reader.socket)!.resume();
    for (const reply of ['s1', 's2', 'u2', 's3']) {
      expect((await reader.reply(reply, 20_000)).type).toBe('ack');
    }
    expect(router.getSubscriptions(id).sort()).toEqual(['a.#', 'c.#']);
  });

  it('replays a repeat sent while the first is in flight, in order, to the same client', async () => {
    const { url, router } = await hub();
    await router.publish('task.t1.completed', { ok: true });
    const reader = await welcomed(url);
    // Two waits on one task's retained value from one client (two waitForCompletion calls).
    reader.send({ type: 'subscribe', id: 'w1', topics: ['task.t1.#'], since: 'last' });
    reader.send({ type: 'subscribe', id: 'w2', topics: ['task.t1.#'], since: 'last' });
    const order: string[] = [];
    reader.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      order.push(
        frame.type === 'event' ? 'event' : `${frame.type}:${'id' in frame ? frame.id : ''}`,
      );
    });
    expect(await reader.reply('w1')).toMatchObject({ subscriptions: [{ replayed: 1 }] });
    expect(await reader.reply('w2')).toMatchObject({ subscriptions: [{ replayed: 1 }] });
    expect(order).toEqual(['event', 'ack:w1', 'event', 'ack:w2']);
  });

  it('replays at most maxReplay retained values across the patterns of one subscribe, the newest', async () => {
    const { url, router } = await hub({}, { maxReplay: 3 });
    for (const i of range(4)) await router.publish(`left.${i}`, i);
    for (const i of range(4)) await router.publish(`right.${i}`, 4 + i);
    const reader = await welcomed(url);
    reader.send({ type: 'subscribe', id: 's', topics: ['left.*', 'right.*'], since: 'last' });
    expect(await reader.reply('s')).toMatchObject({
      // Counted per pattern: the three newest values are all right.*'s.
      subscriptions: [{ replayed: 0 }, { replayed: 3 }],
    });
    const replayed = reader.frames.filter((frame) => frame.type === 'event');
    expect(replayed.map((event) => event.data)).toEqual([5, 6, 7]);
  });
});
