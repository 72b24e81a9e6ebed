/** Something with queued frames to write. */
export interface Flushable {
  flush(): void;
}

/**
 * Coalesces writes: a connection that gets frames is flushed once at the end of the current
 * turn of the event loop, so everything bound for one socket in that turn goes out in one
 * corked write. At low load that is the same turn; at high load it batches many publishes.
 */
export class FlushScheduler {
  #dirty = new Set<Flushable>();
  #scheduled = false;

  schedule(target: Flushable): void {
    this.#dirty.add(target);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#run);
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    for (const target of dirty) target.flush();
  };
}
