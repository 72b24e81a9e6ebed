/**
 * Reference counts whose effects wait for the current task's effects to finish.
 *
 * React's StrictMode mounts, unmounts and mounts again every effect in development, all in
 * one synchronous pass. Starting and stopping on every count change would send subscribe,
 * unsubscribe, subscribe to the hub (and open, close, open a connection). Instead the
 * counts change at once and a microtask reconciles them: a key whose count is above zero is
 * started once, a key back at zero is stopped once, and a key that went 1, 0, 1 in between
 * is left alone.
 */
/** Both hooks must not throw: they start asynchronous work and handle its failures. */
export interface RefCountHooks<K> {
  /** The first holder arrived (after the pass that added it). */
  start(key: K): void;
  /** The last holder left and nobody came back in the same pass. */
  stop(key: K): void;
  /** Holders came and went within one pass: nothing was started. */
  idle?(key: K): void;
}

export class DeferredRefCounts<K> {
  readonly #hooks: RefCountHooks<K>;
  readonly #counts = new Map<K, number>();
  readonly #started = new Set<K>();
  #scheduled = false;

  constructor(hooks: RefCountHooks<K>) {
    this.#hooks = hooks;
  }

  /** Holders of `key` right now, including ones whose start is still pending. */
  count(key: K): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Whether `start(key)` has run and `stop(key)` has not. */
  isStarted(key: K): boolean {
    return this.#started.has(key);
  }

  retain(key: K): void {
    this.#counts.set(key, this.count(key) + 1);
    this.#schedule();
  }

  release(key: K): void {
    const count = this.count(key);
    if (count <= 0) throw new Error(`release() without a matching retain() for ${String(key)}`);
    this.#counts.set(key, count - 1);
    this.#schedule();
  }

  /** Runs the pending starts and stops now (also what the scheduled microtask does). */
  flush(): void {
    this.#scheduled = false;
    for (const [key, count] of [...this.#counts]) {
      if (count > 0) {
        if (!this.#started.has(key)) {
          this.#started.add(key);
          this.#hooks.start(key);
        }
        continue;
      }
      this.#counts.delete(key);
      if (this.#started.delete(key)) this.#hooks.stop(key);
      else this.#hooks.idle?.(key);
    }
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (this.#scheduled) this.flush();
    });
  }
}
