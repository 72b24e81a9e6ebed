import type { EventFrame } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { type ConnectionReads, FairReads } from './fair-reads.ts';
import type { FrameStage } from './frame-stage.ts';
import { range, useHubFixture } from './test-support/fixture.ts';
import type { WSServer } from './ws-server.ts';

const { hub, identified, welcomed } = useHubFixture();

type Identified = Awaited<ReturnType<typeof identified>>;

/**
 * Counts the flooder's frames as the hub handles them; when the first is handled, the quiet
 * client sends one frame, which lands behind the flood's first socket read. `before` is how
 * many flood frames the hub handled before the quiet one.
 */
function raceQuietAgainstFlood(server: WSServer, flooder: Identified, quiet: Identified) {
  const counts = { flooded: 0, before: undefined as number | undefined };
  const probe: FrameStage = {
    name: 'probe',
    check(_frame, client) {
      if (client.id === quiet.id) counts.before ??= counts.flooded;
      else if (client.id === flooder.id && ++counts.flooded === 1) {
        quiet.peer.send({ type: 'publish', id: 'q', topic: 'quiet.1', data: 0 });
      }
      return undefined;
    },
  };
  server.use(probe);
  return counts;
}

describe('fair reads', () => {
  it('reads a quiet client after a few budgets of a flooding one, not after its whole socket read', async () => {
    const budget = 16;
    const { url, server } = await hub({ readBudgetFrames: budget });
    const subscribers = await Promise.all(range(20).map(() => welcomed(url)));
    for (const [i, subscriber] of subscribers.entries()) {
      subscriber.send({ type: 'subscribe', id: `s${i}`, topics: ['flood.#'] });
      await subscriber.reply(`s${i}`);
    }
    const flooder = await identified(url);
    const quiet = await identified(url);
    const counts = raceQuietAgainstFlood(server, flooder, quiet);
    const total = 3_000;
    // About 200 KB in one write: the hub's first read of it holds some 900 frames.
    flooder.peer.sendInOneWrite(
      range(total).map((i) => ({
        type: 'publish',
        id: `f${i}`,
        topic: `flood.${i % 3}`,
        data: i,
        ack: false,
      })),
    );
    expect(await quiet.peer.reply('q')).toMatchObject({ type: 'ack' });
    // The flooder's next budget (one turn) and the one after may go first, not its whole read.
    expect(counts.before).toBeLessThanOrEqual(4 * budget);
    await vi.waitFor(() => expect(counts.flooded).toBe(total), { timeout: 10_000 });
    expect(server.stats().published).toBe(total + 1);
  });

  it('keeps the order of frames that wait for the next turn and handles them when the client closes', async () => {
    const { url } = await hub({ readBudgetFrames: 8, readBudgetBytes: 512 });
    const subscriber = await welcomed(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['order.#'] });
    await subscriber.reply('s');
    const seen: number[] = [];
    subscriber.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as EventFrame;
      if (frame.type === 'event') seen.push(frame.data as number);
    });
    const publisher = await welcomed(url);
    const total = 2_000;
    publisher.sendInOneWrite(
      range(total).map((i) => ({
        type: 'publish',
        id: `o${i}`,
        topic: `order.${i % 5}`,
        data: i,
        ack: false,
      })),
    );
    // Most of these still wait in the hub when its close arrives: none may be lost.
    publisher.socket.close();
    await vi.waitFor(() => expect(seen).toHaveLength(total), { timeout: 10_000 });
    expect(seen).toEqual(range(total));
  });

  it('counts bytes too: a connection sending large frames waits after its byte budget', async () => {
    const { url, server } = await hub({ readBudgetFrames: 1_000, readBudgetBytes: 4_096 });
    const flooder = await identified(url);
    const quiet = await identified(url);
    const counts = raceQuietAgainstFlood(server, flooder, quiet);
    // 64 frames of about 1 KiB: four fit in one turn's byte budget.
    const data = 'x'.repeat(1_000);
    flooder.peer.sendInOneWrite(
      range(64).map((i) => ({ type: 'publish', id: `b${i}`, topic: 'big.1', data, ack: false })),
    );
    await quiet.peer.reply('q');
    expect(counts.before).toBeLessThanOrEqual(4 * 5);
    await vi.waitFor(() => expect(counts.flooded).toBe(64));
  });
});

describe('FairReads', () => {
  /** Stands in for a ws socket: only what fair reads use. */
  function fakeSocket() {
    return {
      paused: false,
      pauses: 0,
      resumes: 0,
      pause() {
        this.paused = true;
        this.pauses += 1;
      },
      resume() {
        this.paused = false;
        this.resumes += 1;
      },
    };
  }
  /** After what ws emits for one socket read: the next read is a later callback. */
  const afterRead = () => new Promise<void>((resolve) => queueMicrotask(resolve));
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  function setUp(frames: number) {
    const handled: string[] = [];
    const reads = new FairReads<{ reads: ConnectionReads }>(
      { frames, bytes: 1 << 20 },
      (_c, data) => handled.push(String(data)),
    );
    const socket = fakeSocket();
    const connection = {} as { reads: ConnectionReads };
    Object.assign(connection, { reads: reads.track(connection, socket as unknown as WebSocket) });
    const message = (text: string) => reads.receive(connection, Buffer.from(text), false);
    return { reads, connection, socket, handled, message };
  }

  it('handles what was read before the throttle paused the socket in the next turn; the socket stays paused until it lets go', async () => {
    const { connection, socket, handled, message } = setUp(1);
    message('a');
    message('b');
    expect(handled).toEqual(['a']);
    expect(socket.paused).toBe(true);
    // The throttle pauses it too, then a turn passes while it holds it.
    connection.reads.pause();
    await nextTurn();
    expect(handled).toEqual(['a', 'b']);
    await nextTurn();
    expect(socket.paused).toBe(true);
    connection.reads.resume();
    await nextTurn();
    expect(socket.paused).toBe(false);
  });

  it('handles frames ws emits after the throttle paused the socket at once, as one burst with the first', () => {
    // A 10k-subscriber fan-out whose flush outlives the throttle's 50 ms let each burst through
    // one publish at a time, so every delivery became a write of its own (fan-out at 10k fell
    // from 2.6M to 0.2M deliveries per server CPU-second).
    const { connection, socket, handled, message } = setUp(64);
    message('a');
    connection.reads.pause();
    // Lazily: the socket pauses when the client turns out to have sent more.
    expect(socket.paused).toBe(false);
    message('b');
    expect(socket.paused).toBe(true);
    message('c');
    expect(handled).toEqual(['a', 'b', 'c']);
  });

  it('never pauses the socket of a client that sends nothing more while the throttle holds it', async () => {
    // A closed-loop publisher: one publish per read, the next only after its ack. Pausing and
    // resuming its socket on every publish while the writes are behind bought nothing.
    const { connection, socket, handled, message } = setUp(64);
    for (let round = 0; round < 3; round++) {
      message(`p${round}`);
      connection.reads.pause();
      expect(connection.reads.isPaused).toBe(true);
      await afterRead();
      await nextTurn();
      connection.reads.resume();
      expect(connection.reads.isPaused).toBe(false);
      await nextTurn();
    }
    expect(handled).toEqual(['p0', 'p1', 'p2']);
    expect([socket.pauses, socket.resumes]).toEqual([0, 0]);
  });

  it('never pauses the socket of a client whose read ends with the frame that spends its budget', async () => {
    const { socket, handled, message } = setUp(2);
    message('a');
    message('b');
    await nextTurn();
    message('c');
    await nextTurn();
    expect(handled).toEqual(['a', 'b', 'c']);
    expect([socket.pauses, socket.resumes]).toEqual([0, 0]);
  });

  it('pauses the socket once a frame beyond the budget arrives, and keeps it and the rest for the next turn', async () => {
    const { socket, handled, message } = setUp(2);
    for (const text of ['a', 'b', 'c', 'd', 'e']) message(text);
    expect(handled).toEqual(['a', 'b']);
    expect([socket.paused, socket.pauses]).toEqual([true, 1]);
    await nextTurn();
    expect(handled).toEqual(['a', 'b', 'c', 'd']);
    expect(socket.paused).toBe(true);
    await nextTurn();
    expect(handled).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([socket.paused, socket.pauses, socket.resumes]).toEqual([false, 1, 1]);
  });

  it('keeps a later read of a client the throttle holds until it lets go, and pauses its socket then', async () => {
    const { connection, socket, handled, message } = setUp(64);
    message('a');
    connection.reads.pause();
    await afterRead();
    // The socket was still read: the client sent more while the writes are behind.
    message('b');
    message('c');
    expect(handled).toEqual(['a']);
    expect(socket.paused).toBe(true);
    await nextTurn();
    expect(handled).toEqual(['a']);
    connection.reads.resume();
    expect(socket.paused).toBe(true);
    await nextTurn();
    expect(handled).toEqual(['a', 'b', 'c']);
    expect([socket.paused, socket.pauses, socket.resumes]).toEqual([false, 1, 1]);
  });

  it('shares turns between two flooding clients as before: each gets its budget per turn', async () => {
    const handled: string[] = [];
    const reads = new FairReads<{ reads: ConnectionReads; name: string }>(
      { frames: 2, bytes: 1 << 20 },
      (c, data) => handled.push(`${c.name}${data}`),
    );
    const clients = ['x', 'y'].map((name) => {
      const socket = fakeSocket();
      const connection = { name } as { reads: ConnectionReads; name: string };
      Object.assign(connection, { reads: reads.track(connection, socket as unknown as WebSocket) });
      return { connection, socket };
    });
    for (const { connection } of clients) {
      for (let i = 0; i < 5; i++) reads.receive(connection, Buffer.from(String(i)), false);
    }
    expect(handled).toEqual(['x0', 'x1', 'y0', 'y1']);
    await nextTurn();
    expect(handled.slice(4)).toEqual(['x2', 'x3', 'y2', 'y3']);
    await nextTurn();
    expect(handled.slice(8)).toEqual(['x4', 'y4']);
    for (const { socket } of clients) {
      expect([socket.paused, socket.pauses, socket.resumes]).toEqual([false, 1, 1]);
    }
  });

  it('handles what waits when the connection closes, in order', () => {
    const { reads, connection, handled, message } = setUp(1);
    for (const text of ['a', 'b', 'c']) message(text);
    reads.close(connection);
    expect(handled).toEqual(['a', 'b', 'c']);
  });
});
