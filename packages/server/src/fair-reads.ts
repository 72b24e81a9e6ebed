import type { RawData } from 'ws';
import type { HubSocket } from './hub-socket.ts';
import { rawSize } from './inbound-stages.ts';

/** How much of one connection's input the hub handles per turn of the event loop. */
export interface ReadBudget {
  /** Frames handled per turn before the connection waits for the next one. */
  frames: number;
  /** Bytes of frames handled per turn (at least one frame always is). */
  bytes: number;
}

export const DEFAULT_READ_BUDGET: Readonly<ReadBudget> = { frames: 64, bytes: 64 * 1024 };

/** Something whose reads can be paused, as InboundThrottle pauses publishers. */
export interface Pausable {
  readonly isPaused: boolean;
  pause(): void;
  resume(): void;
}

/** What a connection's reads tell their scheduler. */
interface ReadHolds {
  hold(reads: ConnectionReads, reason: number): void;
  release(reads: ConnectionReads, reason: number): void;
}

/** Why a connection is not being read: the turn's budget is spent, or the throttle holds it. */
const BUDGET = 1;
const THROTTLE = 2;

/**
 * @internal
 * One connection's side of fair reads: what it used of this turn's budget, why it is held,
 * and the messages `ws` still emitted after its socket was paused.
 */
export class ConnectionReads implements Pausable {
  /** The turn `frames` and `bytes` were counted in. */
  turn = -1;
  frames = 0;
  bytes = 0;
  holds = 0;
  /**
   * The socket is paused. Holds pause it lazily: only once a frame arrives that the hold
   * keeps from being handled now (see FairReads), so a hold that ends before the client sends
   * more costs no pause and no resume.
   */
  socketPaused = false;
  /**
   * Set when the throttle holds it, until the current socket read has been emitted: frames of
   * the same read are still handled at once (as before the pause), those of a later read wait.
   */
  sameRead = false;
  /** Waiting in the scheduler for the next turn. */
  waiting = false;
  /** Messages ws emitted while the connection was held, in order: data, isBinary, ... */
  backlog: (RawData | boolean)[] | undefined;
  /** The connection these reads are of (FairReads' `C`), until it closed. */
  owner: unknown;

  constructor(
    readonly socket: Pick<HubSocket, 'pause' | 'resume'>,
    private readonly scheduler: ReadHolds,
  ) {}

  /** Held by the throttle (the budget's holds are not a pause the throttle made). */
  get isPaused(): boolean {
    return (this.holds & THROTTLE) !== 0;
  }

  pause(): void {
    this.scheduler.hold(this, THROTTLE);
  }

  resume(): void {
    this.scheduler.release(this, THROTTLE);
  }
}

/** @internal A connection with fair reads. */
export interface ReadTarget {
  readonly reads: ConnectionReads;
}

/**
 * @internal
 * Fair reads: each connection gets at most `budget.frames` frames (or `budget.bytes` bytes) of
 * work per turn of the event loop, then its socket is paused and it waits for the next turn,
 * while every other connection gets its turn. Without it one socket read of a flooding client
 * (64 KiB, a thousand small publishes, each fanned out to every subscriber) is handled in one
 * go, and nothing else runs until it is done.
 *
 * Pausing the socket alone is not enough: `ws` keeps parsing the frames already read and emits
 * them synchronously (`allowSynchronousEvents`). Those wait here, in order, and are handled
 * first on the next turn; at most one socket read waits per connection, as views of that read's
 * buffer. `raw-socket.test.ts` pins that `ws` emits no more than the rest of the current read
 * once the socket is paused.
 *
 * The socket is paused lazily: a hold (the budget spent, or the throttle) only marks the
 * connection, and its socket is paused when a frame arrives that the hold concerns, i.e. when
 * the client actually sent more than its share meanwhile. Which frames are handled at once and
 * which wait for a later turn is the same as with an eager pause; only the pause is skipped
 * when nothing came. Most holds end that way: a read that ends with the frame that spends
 * the budget, and above all a closed-loop publisher the throttle holds while the writes are
 * behind, which sends nothing until its ack (eager pausing cost a pause and a resume, each a
 * few stream calls and a `readStop`/`readStart`, per publish). A frame the lazy pause lets in
 * (a later socket read, before the pause) waits like the rest of the read that is emitted
 * after it: still at most one socket read per connection.
 */
export class FairReads<C extends ReadTarget> implements ReadHolds {
  #turn = 0;
  #turnScheduled = false;
  #waiting: ConnectionReads[] = [];
  /** Connections the throttle held during the current socket read (see `sameRead`). */
  #heldThisRead: ConnectionReads[] = [];

  constructor(
    readonly budget: ReadBudget,
    private readonly handle: (connection: C, data: RawData, isBinary: boolean) => void,
  ) {}

  /** The read state of a new connection. */
  track(connection: C, socket: Pick<HubSocket, 'pause' | 'resume'>): ConnectionReads {
    const reads = new ConnectionReads(socket, this);
    reads.owner = connection;
    return reads;
  }

  /** A message `ws` emitted for `connection`: handled now, or after what waits before it. */
  receive(connection: C, data: RawData, isBinary: boolean): void {
    const reads = connection.reads;
    if (reads.holds === 0 && reads.backlog === undefined) {
      this.#handleOne(connection, reads, data, isBinary);
      return;
    }
    // Held, and the client sent more: now its socket is paused (see the class comment).
    if (!reads.socketPaused) {
      reads.socketPaused = true;
      reads.socket.pause();
    }
    // Held by the throttle alone, ws still hands over the rest of the read it was handling
    // (the paused socket reads nothing new): it is handled now, as one burst, as before.
    if ((reads.holds & BUDGET) === 0 && reads.backlog === undefined && reads.sameRead) {
      this.#handleOne(connection, reads, data, isBinary);
      return;
    }
    if (reads.backlog === undefined) reads.backlog = [data, isBinary];
    else reads.backlog.push(data, isBinary);
  }

  /** Stops reading `reads` until `release` with the same reason (the socket pauses lazily). */
  hold(reads: ConnectionReads, reason: number): void {
    if ((reads.holds & reason) !== 0) return;
    reads.holds |= reason;
    if (reason !== THROTTLE || reads.socketPaused) return;
    // Frames of the read being handled still go through; the end of the read is the end of
    // this callback, so a microtask (run before the next read is emitted) marks it.
    reads.sameRead = true;
    this.#heldThisRead.push(reads);
    if (this.#heldThisRead.length === 1) queueMicrotask(this.#readDone);
  }

  release(reads: ConnectionReads, reason: number): void {
    if ((reads.holds & reason) === 0) return;
    reads.holds &= ~reason;
    if (reads.holds !== 0) return;
    if (reads.backlog !== undefined) this.#wait(reads);
    else this.#resume(reads);
  }

  /**
   * The connection closed: what ws read before the close is handled now, as it would have been
   * without the budget (a publish sent just before a close is not lost).
   */
  close(connection: C): void {
    const reads = connection.reads;
    reads.owner = undefined;
    const backlog = reads.backlog;
    reads.backlog = undefined;
    if (backlog === undefined) return;
    for (let i = 0; i < backlog.length; i += 2) {
      this.handle(connection, backlog[i] as RawData, backlog[i + 1] as boolean);
    }
  }

  readonly #readDone = (): void => {
    const held = this.#heldThisRead;
    this.#heldThisRead = [];
    for (const reads of held) reads.sameRead = false;
  };

  #resume(reads: ConnectionReads): void {
    if (!reads.socketPaused) return;
    reads.socketPaused = false;
    reads.socket.resume();
  }

  #handleOne(connection: C, reads: ConnectionReads, data: RawData, isBinary: boolean): void {
    if (reads.turn !== this.#turn) {
      reads.turn = this.#turn;
      reads.frames = 0;
      reads.bytes = 0;
      this.#scheduleTurn();
    }
    reads.frames += 1;
    reads.bytes += rawSize(data);
    this.handle(connection, data, isBinary);
    if (reads.frames >= this.budget.frames || reads.bytes >= this.budget.bytes) {
      this.hold(reads, BUDGET);
      this.#wait(reads);
    }
  }

  #wait(reads: ConnectionReads): void {
    if (!reads.waiting) {
      reads.waiting = true;
      this.#waiting.push(reads);
    }
    this.#scheduleTurn();
  }

  #scheduleTurn(): void {
    if (this.#turnScheduled) return;
    this.#turnScheduled = true;
    setImmediate(this.#nextTurn);
  }

  /** A new turn: every waiting connection gets its budget again, backlog first. */
  readonly #nextTurn = (): void => {
    this.#turnScheduled = false;
    this.#turn += 1;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const reads of waiting) {
      reads.waiting = false;
      // A new turn: the budget no longer holds it, whatever else does.
      reads.holds &= ~BUDGET;
      const connection = reads.owner as C | undefined;
      // Closed meanwhile (close() handled its backlog). A throttled connection's backlog is
      // handled too: those frames were read before the pause; the socket stays paused.
      if (connection === undefined) continue;
      this.#drain(connection, reads);
    }
  };

  #drain(connection: C, reads: ConnectionReads): void {
    const backlog = reads.backlog;
    if (backlog !== undefined) {
      // The socket stays paused meanwhile, so nothing is appended while this runs.
      let at = 0;
      while (at < backlog.length && (reads.holds & BUDGET) === 0) {
        const data = backlog[at] as RawData;
        const isBinary = backlog[at + 1] as boolean;
        at += 2;
        this.#handleOne(connection, reads, data, isBinary);
      }
      if (at < backlog.length) {
        // Held again (budget spent, or the throttle): the rest waits for the next turn.
        backlog.splice(0, at);
        return;
      }
      reads.backlog = undefined;
    }
    if (reads.holds === 0) this.#resume(reads);
  }
}
