import type { Pausable } from './fair-reads.ts';
import type { FlushScheduler } from './flush-scheduler.ts';

/** Longest a connection stays unread; then everyone paused is read again (and may pause again). */
export const DEFAULT_MAX_PAUSE_MS = 50;

/**
 * Backpressure from the hub's writes to its reads. While the flush scheduler is behind
 * (a fan-out did not fit in one slice), every connection that sends a frame stops being
 * read after it; all of them resume once the writes have caught up. (FairReads pauses the
 * socket lazily, once the client sends more: a closed-loop publisher held until its ack,
 * the usual case, costs no pause and resume at all.) Publishers then wait in
 * their own TCP buffers instead of the hub queueing work it cannot write: under overload the
 * hub keeps delivering at its full rate rather than spending itself on events it would
 * only drop. Connections that only receive are never paused. No connection stays unread
 * longer than `maxPauseMs`, even if the writes never catch up (say, under a flood of
 * server-side publishes): reads, pongs and acks keep moving.
 */
export class InboundThrottle {
  #paused: Pausable[] = [];
  #pauses = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly scheduler: FlushScheduler,
    readonly maxPauseMs = DEFAULT_MAX_PAUSE_MS,
  ) {
    scheduler.onCaughtUp = () => this.#resumeAll();
  }

  /** Connections not being read right now. */
  get paused(): number {
    return this.#paused.length;
  }

  /** Times a connection was paused since the start. */
  get pauses(): number {
    return this.#pauses;
  }

  /** Called after a frame from `socket` (a connection's reads) was handled. */
  afterFrame(socket: Pausable): void {
    if (!this.scheduler.behind || socket.isPaused) return;
    socket.pause();
    this.#paused.push(socket);
    this.#pauses += 1;
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#resumeAll(), this.maxPauseMs);
      this.#timer.unref?.();
    }
  }

  #resumeAll(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const paused = this.#paused;
    this.#paused = [];
    for (const socket of paused) socket.resume();
  }
}
