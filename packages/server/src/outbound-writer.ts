import { encodeFrame } from '@switchboard/protocol';
import type { Flushable, FlushScheduler } from './flush-scheduler.ts';
import type { FrameDeflater } from './frame-deflate.ts';
import { encodeTextFrame } from './frame-encoder.ts';
import type { SlabChunk } from './frame-slab.ts';
import { type HubSocket, outputOf, type RawOutput, SOCKET_OPEN } from './hub-socket.ts';
import { type DroppedRange, type OutboundLimits, OutboundQueue } from './outbound-queue.ts';
import { ReplayGate } from './replay-gate.ts';
import type { ReplayStream } from './replay-stream.ts';

/** Most bytes handed to the kernel per flush before waiting for `drain`. */
const SOCKET_HIGH_WATER = 256 * 1024;

/**
 * @internal
 * What every writer of a server shares, in one object rather than five fields per connection:
 * the live queue's bounds, the flush scheduler, the reply bound and what follows from them.
 */
export class WriterSettings {
  /** Most bytes handed to the socket before waiting for `drain`. */
  readonly highWater: number;
  /** One reply counts at most this much against `replyQueueBytes` (see `queuedReplyBytes`). */
  readonly replyChargeCap: number;

  constructor(
    readonly limits: OutboundLimits,
    readonly scheduler: FlushScheduler,
    /** Bytes of replies and server sends that may wait in the hub (WSServer `replyQueueBytes`). */
    readonly replyQueueBytes: number = Number.POSITIVE_INFINITY,
  ) {
    this.replyChargeCap = Math.max(1, Math.floor(replyQueueBytes / 4));
    this.highWater = Math.min(SOCKET_HIGH_WATER, Math.max(16 * 1024, limits.queueBytes >> 1));
  }
}

/** @internal What a writer tells the connection it writes for. */
export interface WriterOwner {
  /** The `drop-oldest` policy dropped this event. */
  dropped(topic: string, offset: number): void;
  /**
   * The connection must close (4004): the `disconnect` policy gave up on this slow consumer
   * (`events`), or its replies, which are never dropped, exceed `replyQueueBytes` (`replies`).
   */
  slowConsumer(cause: 'events' | 'replies'): void;
}

/**
 * @internal
 * The write path of one connection. Outbound frames wait until the end of the event-loop turn
 * and leave in one write per socket. Live events that arrive back to back in one slab chunk
 * wait as a run (a range of the chunk) and are written as one view of it; everything else
 * goes through a bounded queue. Replays go out ahead of live events, and live events wait
 * while a recovery is in flight, so the two never interleave.
 */
export class OutboundWriter implements Flushable {
  /** Waiting in the flush scheduler. */
  flushQueued = false;
  /** Frames written (replayed events counted one by one). */
  messagesOut = 0;
  /** Events dropped by the `drop-oldest` policy. */
  dropped = 0;
  /**
   * Recoveries in flight. Meanwhile live events wait in the queue and only replayed ones
   * are written, so replay and live never interleave.
   */
  #recovering = 0;
  /**
   * The run: live events `#runFrom` to `#runTo - 1` of `#run`, adjacent in memory, queued
   * since the last flush. It exists only while the queues below are empty.
   */
  #run: SlabChunk | undefined;
  #runFrom = 0;
  #runTo = 0;
  /** Bytes the run may grow to before the byte bound applies (set when it starts). */
  #runRoom = 0;
  /** Live frames; created on demand and dropped when empty, so idle connections stay small. */
  #queue: OutboundQueue | undefined;
  /** Replays in order: one at a time (ReplayGate), each bounded by the router's `maxReplay`. */
  #replays: ReplayStream[] | undefined;
  readonly #raw: RawOutput | undefined;
  #droppedRange: DroppedRange | undefined;
  #epoch = '';
  #waitingForDrain = false;
  /**
   * Replays of this connection, one at a time (see ReplayGate); made by the first subscribe
   * that replays, so a connection that only ever subscribes to live events keeps none.
   */
  #replayGate: ReplayGate | undefined;

  constructor(
    readonly socket: HubSocket,
    private readonly settings: WriterSettings,
    private readonly owner: WriterOwner,
    /**
     * Set when the connection negotiated permessage-deflate: every frame is written as it
     * compresses it, and live events go through the queue (their compressed frames are not
     * adjacent in the slab, so there is no run).
     */
    private readonly deflater?: FrameDeflater,
  ) {
    this.#raw = outputOf(socket);
  }

  /** Queued bytes plus what the socket still buffers. */
  get bufferedAmount(): number {
    return (
      (this.#run === undefined ? 0 : this.#run.bytes(this.#runFrom, this.#runTo)) +
      (this.#queue?.bytes ?? 0) +
      (this.#raw?.writableLength ?? 0)
    );
  }

  /** Frames waiting in the hub, replayed events not framed yet included. */
  get queuedMessages(): number {
    return (
      (this.#run === undefined ? 0 : this.#runTo - this.#runFrom) +
      (this.#queue?.length ?? 0) +
      replaying(this.#replays)
    );
  }

  /** Queues an already-serialized frame; false when the socket can no longer take it. */
  sendRaw(text: string): boolean {
    if (this.#run !== undefined) this.#queueRun();
    return this.#enqueue(this.#frame(text), 0, undefined);
  }

  /**
   * Queues live event `index` of `chunk`; applies the slow-consumer policy past the bounds.
   * The common case, the next frame of the chunk while nothing else is queued, only moves
   * the end of the run.
   */
  deliver(chunk: SlabChunk, index: number, epoch: string): void {
    this.#epoch = epoch;
    if (this.#run === chunk && this.#runTo === index) {
      this.#runTo = index + 1;
      this.#checkRun(chunk);
      return;
    }
    if (
      this.#run === undefined &&
      this.#queue === undefined &&
      this.#replays === undefined &&
      this.#droppedRange === undefined &&
      this.#recovering === 0 &&
      this.deflater === undefined &&
      this.socket.readyState === SOCKET_OPEN
    ) {
      this.#run = chunk;
      this.#runFrom = index;
      this.#runTo = index + 1;
      this.#runRoom = this.settings.limits.queueBytes - (this.#raw?.writableLength ?? 0);
      this.#checkRun(chunk);
      this.settings.scheduler.schedule(this);
      return;
    }
    if (this.#run !== undefined) this.#queueRun();
    const frame =
      this.deflater === undefined ? chunk.frame(index) : chunk.deflated(index, this.deflater);
    this.#enqueue(frame, chunk.offsets[index]!, chunk.topics[index]!);
  }

  /**
   * Bytes of replies and server sends waiting in the hub (not yet handed to the socket), each
   * counted up to a quarter of `replyQueueBytes`: one large answer (a `$history` page) never
   * closes a client that reads, while a client that does not read is closed after a few.
   */
  get queuedReplyBytes(): number {
    return this.#queue?.replyCharge ?? 0;
  }

  /** Bytes of subscribe and unsubscribe frames waiting behind a replay (see `inReplayOrder`). */
  get waitingReplayBytes(): number {
    return this.#replayGate?.waitingBytes ?? 0;
  }

  /**
   * Runs `start` in the connection's replay order (see ReplayGate): a subscribe that replays
   * history (`replay`) once no replay is in flight, any other as soon as none waits. False (and
   * it never runs) when its `size()` would take the frames waiting past `budget` bytes.
   */
  inReplayOrder(start: () => void, size: () => number, budget: number, replay: boolean): boolean {
    if (this.#replayGate === undefined && !replay) {
      // What an empty gate does with it.
      start();
      return true;
    }
    this.#replayGate ??= new ReplayGate(
      () => this.#recovering === 0 && this.#replays === undefined,
    );
    return this.#replayGate.enter(start, size, budget, replay);
  }

  /** Queues a replay; its events go out ahead of everything in the live queue. */
  replay(stream: ReplayStream): void {
    if (this.socket.readyState !== SOCKET_OPEN || stream.remaining === 0) return;
    this.#replays ??= [];
    this.#replays.push(stream);
    this.settings.scheduler.schedule(this);
  }

  /** Starts a recovery: live events wait until every recovery finished. */
  beginRecovery(): void {
    this.#recovering += 1;
  }

  /** Ends one recovery; once none is left, the live queue flows again. */
  finishRecovery(): void {
    this.#recovering -= 1;
    if (this.#recovering === 0) this.settings.scheduler.schedule(this);
    this.#replayGate?.check();
  }

  /**
   * Writes what the socket can take now as one buffer (one syscall per socket per turn,
   * no cork: a single write needs none); the rest waits for `drain`. `force` (before a close
   * frame) writes everything, live events of a recovery included.
   */
  flush(force = false): void {
    const raw = this.#raw;
    if (this.socket.readyState !== SOCKET_OPEN || raw === undefined || raw.destroyed) {
      this.release();
      return;
    }
    const liveFlows = this.#recovering === 0 || force;
    const run = this.#run;
    if (run !== undefined) {
      // The fast path: only the run is waiting, and the socket has room for it.
      if (
        liveFlows &&
        this.#queue === undefined &&
        this.#replays === undefined &&
        this.#droppedRange === undefined &&
        (force ||
          raw.writableLength + run.bytes(this.#runFrom, this.#runTo) <= this.settings.highWater)
      ) {
        const view = run.span(this.#runFrom, this.#runTo);
        this.messagesOut += this.#runTo - this.#runFrom;
        this.#run = undefined;
        raw.write(view);
        return;
      }
      this.#queueRun();
    }
    if (this.#queue?.length === 0) this.#queue = undefined;
    const hasLive = liveFlows && (this.#queue !== undefined || this.#droppedRange !== undefined);
    if (this.#replays === undefined && !hasLive) return;
    if (!force && raw.writableLength >= this.settings.highWater) {
      this.#queue?.detach();
      this.#awaitDrain(raw);
      return;
    }
    const frames: Buffer[] = [];
    let budget = force ? Number.POSITIVE_INFINITY : this.settings.highWater - raw.writableLength;
    if (this.#replays !== undefined) {
      budget = this.#takeReplays(frames, budget);
      if (this.#replays === undefined) this.#replayGate?.check();
    }
    // Replay buffers carry many events each and were counted as they were framed.
    const firstLive = frames.length;
    if (liveFlows && budget > 0 && this.#replays === undefined) {
      if (this.#droppedRange !== undefined) {
        const range = this.#droppedRange;
        this.#droppedRange = undefined;
        const notice = this.#frame(encodeFrame({ type: 'dropped', epoch: this.#epoch, ...range }));
        frames.push(notice);
        budget -= notice.length;
      }
      if (this.#queue !== undefined) {
        take(this.#queue, frames, budget);
        if (this.#queue.length === 0) this.#queue = undefined;
      }
    }
    if (frames.length === 1) raw.write(frames[0]!);
    else if (frames.length > 1) raw.write(Buffer.concat(frames));
    this.messagesOut += frames.length - firstLive;
    if (this.#queue?.length === 0) this.#queue = undefined;
    const more = this.#replays !== undefined || (liveFlows && this.#queue !== undefined);
    if (!more) return;
    // The budget ran out: continue once the socket drained, or next turn if it has room.
    this.#queue?.detach();
    if (raw.writableLength >= this.settings.highWater || raw.writableNeedDrain)
      this.#awaitDrain(raw);
    else this.settings.scheduler.schedule(this);
  }

  /** Forgets everything queued; called once the socket closed. */
  release(): void {
    this.#run = undefined;
    this.#queue = undefined;
    this.#replays = undefined;
    this.#droppedRange = undefined;
    this.#replayGate?.clear();
  }

  /** The frame of a message the hub sends, compressed when the connection negotiated it. */
  #frame(text: string): Buffer {
    return this.deflater === undefined ? encodeTextFrame(text) : this.deflater.text(text);
  }

  /** Frames replayed events into `frames` until `budget` bytes are used; returns what is left. */
  #takeReplays(frames: Buffer[], budget: number): number {
    const replays = this.#replays!;
    let left = budget;
    while (left > 0 && replays.length > 0) {
      const next = replays[0]!.next(left);
      if (next === undefined) {
        replays.shift();
        continue;
      }
      // Budgets count uncompressed bytes: compression only makes the write smaller.
      frames.push(this.deflater === undefined ? next.frame : this.deflater.frames(next.frame));
      left -= next.frame.length;
      this.messagesOut += next.count;
    }
    if (replays.length > 0 && replays[0]!.remaining === 0) replays.shift();
    if (replays.length === 0) this.#replays = undefined;
    return left;
  }

  /** Past a bound, the run becomes a queue and the slow-consumer policy applies. */
  #checkRun(run: SlabChunk): void {
    if (
      this.#runTo - this.#runFrom > this.settings.limits.queueSize ||
      run.bytes(this.#runFrom, this.#runTo) > this.#runRoom
    ) {
      this.#queueRun();
      this.#overflow();
    }
  }

  /** Moves the run into the queue (its frames as views of the chunk); the run ends. */
  #queueRun(): void {
    const run = this.#run;
    if (run === undefined) return;
    this.#run = undefined;
    this.#queue ??= new OutboundQueue(this.settings.replyChargeCap);
    for (let i = this.#runFrom; i < this.#runTo; i++) {
      this.#queue.push(run.frame(i), run.offsets[i]!, run.topics[i]!);
    }
  }

  #enqueue(frame: Buffer, offset: number, topic: string | undefined): boolean {
    if (this.socket.readyState !== SOCKET_OPEN) return false;
    this.#queue ??= new OutboundQueue(this.settings.replyChargeCap);
    this.#queue.push(frame, offset, topic);
    if (offset > 0) {
      if (this.#isOverLimit()) this.#overflow();
    } else if (this.queuedReplyBytes > this.settings.replyQueueBytes) {
      // A reply the client never sees would be a lie (an ack that never arrives); closing is
      // honest: the client reconnects and retries what was not acknowledged, with the same ids.
      this.#queue = undefined;
      this.owner.slowConsumer('replies');
      return false;
    }
    this.settings.scheduler.schedule(this);
    return true;
  }

  /** Live backlog only: replies (replyQueueBytes) and replays (ReplayGate) are bounded apart. */
  #isOverLimit(): boolean {
    return (
      (this.#queue?.events ?? 0) > this.settings.limits.queueSize ||
      (this.#queue?.eventBytes ?? 0) + (this.#raw?.writableLength ?? 0) >
        this.settings.limits.queueBytes
    );
  }

  #overflow(): void {
    if (this.settings.limits.slowConsumerPolicy === 'disconnect') {
      this.#queue = undefined;
      this.owner.slowConsumer('events');
      return;
    }
    const queue = this.#queue;
    if (queue === undefined) return;
    while (this.#isOverLimit()) {
      const offset = queue.dropOldestEvent();
      if (offset < 0) break;
      this.dropped += 1;
      const range = this.#droppedRange;
      if (range === undefined) {
        this.#droppedRange = { fromOffset: offset, toOffset: offset, count: 1 };
      } else {
        range.toOffset = offset;
        range.count += 1;
      }
      this.owner.dropped(queue.droppedTopic, offset);
    }
  }

  #awaitDrain(raw: RawOutput): void {
    if (this.#waitingForDrain) return;
    this.#waitingForDrain = true;
    raw.once('drain', () => {
      this.#waitingForDrain = false;
      this.settings.scheduler.schedule(this);
    });
  }
}

/** Moves frames from `queue` to `into` until `budget` bytes are used; returns what is left. */
function take(queue: OutboundQueue, into: Buffer[], budget: number): number {
  let left = budget;
  while (left > 0) {
    const frame = queue.shift();
    if (frame === undefined) break;
    into.push(frame);
    left -= frame.length;
  }
  return left;
}

/** Replayed events not yet framed. */
function replaying(replays: ReplayStream[] | undefined): number {
  let count = 0;
  for (const stream of replays ?? []) count += stream.remaining;
  return count;
}
