/**
 * A set that holds its first member inline and only allocates a `Set` for the second.
 * Most trie nodes of a hub with per-agent and per-task topics have exactly one subscriber;
 * at a million subscriptions a `Set` each would cost about 150 MB and a second of GC. Most
 * connections hold one pattern, so the server keeps each connection's patterns in one too
 * (an empty `Set` and its table are about 200 bytes). Iterates in insertion order, as a `Set`.
 */
export class CompactSet<S> {
  #first: S | undefined = undefined;
  #rest: Set<S> | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  has(value: S): boolean {
    if (this.#size === 1) return this.#first === value;
    return this.#rest?.has(value) ?? false;
  }

  /** Returns false when `value` was already present. */
  add(value: S): boolean {
    if (this.#size === 0) {
      this.#first = value;
      this.#size = 1;
      return true;
    }
    if (this.#size === 1) {
      if (this.#first === value) return false;
      this.#rest = new Set([this.#first as S, value]);
      this.#first = undefined;
      this.#size = 2;
      return true;
    }
    const rest = this.#rest!;
    if (rest.has(value)) return false;
    rest.add(value);
    this.#size = rest.size;
    return true;
  }

  /** Returns false when `value` was not present. */
  delete(value: S): boolean {
    if (this.#size === 1) {
      if (this.#first !== value) return false;
      this.#first = undefined;
      this.#size = 0;
      return true;
    }
    const rest = this.#rest;
    if (rest === undefined || !rest.delete(value)) return false;
    this.#size = rest.size;
    if (this.#size === 1) {
      // Back to inline: a node that shrinks keeps no empty Set around.
      this.#first = rest.values().next().value as S;
      this.#rest = undefined;
    }
    return true;
  }

  clear(): void {
    this.#first = undefined;
    this.#rest = undefined;
    this.#size = 0;
  }

  /**
   * Calls `fn(member, arg)` for each member; `arg` spares callers a closure on hot paths.
   * Members may be deleted from inside `fn`; the remaining ones are still visited.
   */
  forEach<A>(fn: (value: S, arg: A) => void, arg: A): void {
    if (this.#size === 1) fn(this.#first as S, arg);
    else if (this.#rest !== undefined) for (const value of this.#rest) fn(value, arg);
  }

  *[Symbol.iterator](): IterableIterator<S> {
    if (this.#size === 1) yield this.#first as S;
    else if (this.#rest !== undefined) yield* this.#rest;
  }
}
