/** A subscribe or unsubscribe waiting for the replay ahead of it. */
interface Waiting {
  start: () => void;
  bytes: number;
  /** It replays history (holds the gate until its replay was written). */
  replay: boolean;
}

/**
 * @internal
 * The replays of one connection, one at a time and in order. A replay is in flight from its
 * subscribe until its last event was handed to the socket; a subscribe that asks for history
 * meanwhile waits here (as its frame, nothing read from history yet) and starts when the one
 * ahead of it is done. So however many `since` or `position` subscribes a client sends without
 * reading, the hub holds at most one replay for it (at most `maxReplay` log entries, framed
 * only as the socket takes them), and the frames waiting are bounded in bytes by the caller.
 * Subscribes without history and unsubscribes wait only behind a waiting replay, so the
 * subscription state follows the order the client sent its frames in.
 *
 * Why wait rather than refuse a repeat: one client may legitimately ask for the same topic's
 * retained value twice at once (two `waitForCompletion` calls on one task), and each asker
 * must see its replay.
 */
export class ReplayGate {
  #state: 'idle' | 'running' | 'starting' = 'idle';
  #waiting: Waiting[] = [];
  #waitingBytes = 0;

  /** `idle()` tells whether the writer has no recovery and no replayed event left. */
  constructor(private readonly idle: () => boolean) {}

  /** Bytes of the frames waiting. */
  get waitingBytes(): number {
    return this.#waitingBytes;
  }

  /**
   * Runs `start` now when nothing waits (and, if it replays, no replay is in flight), else
   * after what is ahead of it. False, and `start` never runs, when its `size()` in bytes would
   * take the frames waiting past `budget`.
   */
  enter(start: () => void, size: () => number, budget: number, replay: boolean): boolean {
    if (this.#waiting.length === 0) {
      if (!replay) {
        start();
        return true;
      }
      if (this.#state === 'idle') {
        this.#run(start);
        return true;
      }
    }
    const bytes = size();
    if (this.#waitingBytes + bytes > budget) return false;
    this.#waiting.push({ start, bytes, replay });
    this.#waitingBytes += bytes;
    return true;
  }

  /** The writer's recovery or replay may have ended: go on with what waits, if so. */
  check(): void {
    if (this.#state !== 'running' || !this.idle()) return;
    this.#state = 'starting';
    // Not from inside a flush or a handler: the next subscribe registers patterns and reads
    // history. Until it runs, newer frames keep waiting behind it.
    queueMicrotask(this.#next);
  }

  /** The connection closed: nothing waiting will run. */
  clear(): void {
    this.#state = 'idle';
    this.#waiting = [];
    this.#waitingBytes = 0;
  }

  readonly #next = (): void => {
    while (this.#state === 'starting') {
      const next = this.#waiting.shift();
      if (next === undefined) {
        this.#state = 'idle';
        return;
      }
      this.#waitingBytes -= next.bytes;
      if (next.replay) {
        this.#run(next.start);
        return;
      }
      next.start();
    }
  };

  #run(start: () => void): void {
    this.#state = 'running';
    try {
      start();
    } finally {
      this.check();
    }
  }
}
