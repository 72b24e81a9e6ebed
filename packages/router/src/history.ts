import type { LogEntry } from './engine.ts';

/**
 * The retained part of the hub log: a ring buffer of entries in offset order, with the
 * time each was appended (for the age bound), its estimated size (for the byte bound) and
 * its dedupe key. It grows by doubling up to `maxEntries`, so a generous bound costs
 * nothing until it is used.
 */
export class History {
  readonly maxEntries: number;
  #entries: Array<LogEntry | undefined>;
  #keys: Array<string | undefined>;
  #appendedAt: Float64Array;
  #sizes: Float64Array;
  /** Ring index of the oldest entry. */
  #start = 0;
  #length = 0;
  #bytes = 0;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
    const capacity = Math.min(maxEntries, 1024);
    this.#entries = new Array(capacity).fill(undefined);
    this.#keys = new Array(capacity).fill(undefined);
    this.#appendedAt = new Float64Array(capacity);
    this.#sizes = new Float64Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** The sizes of the entries held, as given to `push` (integers: the sum is exact). */
  get bytes(): number {
    return this.#bytes;
  }

  get isFull(): boolean {
    return this.#length >= this.maxEntries;
  }

  /** The entry `index` places after the oldest (0 is the oldest). */
  at(index: number): LogEntry {
    return this.#entries[(this.#start + index) % this.#entries.length]!;
  }

  oldest(): LogEntry | undefined {
    return this.#length === 0 ? undefined : this.at(0);
  }

  /** When the oldest entry was appended, by the engine's clock. */
  oldestAppendedAt(): number {
    return this.#length === 0 ? Number.POSITIVE_INFINITY : this.#appendedAt[this.#start]!;
  }

  /** The dedupe key the oldest entry was appended with. */
  oldestKey(): string | undefined {
    return this.#length === 0 ? undefined : this.#keys[this.#start];
  }

  /** Appends at the new end; the caller evicts first when the buffer is full. */
  push(entry: LogEntry, appendedAt: number, size = 0, key = entry.id): void {
    if (this.#length >= this.maxEntries) throw new RangeError('history is full');
    if (this.#length === this.#entries.length) this.#grow();
    const index = (this.#start + this.#length) % this.#entries.length;
    this.#entries[index] = entry;
    this.#keys[index] = key;
    this.#appendedAt[index] = appendedAt;
    this.#sizes[index] = size;
    this.#bytes += size;
    this.#length++;
  }

  /** Removes and returns the oldest entry. */
  shift(): LogEntry | undefined {
    if (this.#length === 0) return undefined;
    const start = this.#start;
    const entry = this.#entries[start];
    // Drop the references so that evicted payloads can be collected.
    this.#entries[start] = undefined;
    this.#keys[start] = undefined;
    this.#bytes -= this.#sizes[start]!;
    this.#start = (start + 1) % this.#entries.length;
    this.#length--;
    return entry;
  }

  /**
   * Index of the first entry with an offset greater than `offset` (`length` when none):
   * binary search, so a replay finds its start in O(log n) whatever the history size.
   */
  indexAfter(offset: number): number {
    let low = 0;
    let high = this.#length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid).offset <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  clear(): void {
    this.#entries.fill(undefined);
    this.#keys.fill(undefined);
    this.#start = 0;
    this.#length = 0;
    this.#bytes = 0;
  }

  #grow(): void {
    const capacity = Math.min(this.maxEntries, this.#entries.length * 2);
    const entries = new Array<LogEntry | undefined>(capacity).fill(undefined);
    const keys = new Array<string | undefined>(capacity).fill(undefined);
    const appendedAt = new Float64Array(capacity);
    const sizes = new Float64Array(capacity);
    for (let i = 0; i < this.#length; i++) {
      const from = (this.#start + i) % this.#entries.length;
      entries[i] = this.#entries[from];
      keys[i] = this.#keys[from];
      appendedAt[i] = this.#appendedAt[from]!;
      sizes[i] = this.#sizes[from]!;
    }
    this.#entries = entries;
    this.#keys = keys;
    this.#appendedAt = appendedAt;
    this.#sizes = sizes;
    this.#start = 0;
  }
}
