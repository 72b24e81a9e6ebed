/** Something with queued frames to write. */
export interface Flushable {
  /** Set while the target waits in a scheduler; spares a set lookup per delivery. */
  flushQueued: boolean;
  flush(): void;
}

/** How long one turn of the event loop may spend writing before it lets I/O in. */
export const DEFAULT_FLUSH_SLICE_MS = 5;

/** Targets flushed between two looks at the clock. */
const CLOCK_STRIDE = 32;

/**
 * Coalesces writes: a connection that gets frames is flushed once at the end of the current
 * turn of the event loop, so everything bound for one socket in that turn goes out in one
 * write. At low load that is the same turn; at high load it batches many publishes.
 *
 * A flush of thousands of sockets is split into slices of about `sliceMs`, with the event
 * loop free in between, so one large fan-out cannot stall reads, acks and timers of every
 * other connection. Targets are flushed in the order they were scheduled; one that is
 * scheduled again while it waits keeps its place, and one scheduled again after its flush
 * goes to the back.
 */
export class FlushScheduler {
  #queue: (Flushable | undefined)[] = [];
  #next = 0;
  #scheduled = false;
  #behind = false;
  /** Called when a flush that was split into slices has written everything. */
  onCaughtUp: (() => void) | undefined;
  /** Called when every target scheduled has been flushed (the metrics time fan-outs by it). */
  onWritten: (() => void) | undefined;

  constructor(readonly sliceMs = DEFAULT_FLUSH_SLICE_MS) {}

  /**
   * True from the end of a slice that left targets waiting until every one was flushed:
   * the hub is writing slower than frames come in.
   */
  get behind(): boolean {
    return this.#behind;
  }

  /** Targets waiting for their flush. */
  get pending(): number {
    return this.#queue.length - this.#next;
  }

  schedule(target: Flushable): void {
    if (target.flushQueued) return;
    target.flushQueued = true;
    this.#queue.push(target);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    const queue = this.#queue;
    // Targets scheduled during this slice (a flush that ran out of budget) wait for the next.
    const end = queue.length;
    const deadline = performance.now() + this.sliceMs;
    let at = this.#next;
    while (at < end) {
      const target = queue[at]!;
      queue[at] = undefined;
      at += 1;
      target.flushQueued = false;
      target.flush();
      if ((at & (CLOCK_STRIDE - 1)) === 0 && performance.now() >= deadline) break;
    }
    if (at === queue.length) {
      queue.length = 0;
      this.#next = 0;
      this.onWritten?.();
      if (this.#behind) {
        this.#behind = false;
        this.onCaughtUp?.();
      }
      return;
    }
    if (at < end) this.#behind = true;
    if (at > 4096 && at * 2 > queue.length) {
      this.#queue = queue.slice(at);
      this.#next = 0;
    } else {
      this.#next = at;
    }
    this.#scheduled = true;
    setImmediate(this.#run);
  };
}
