import { AgeOrderedMap } from './age-ordered-map.ts';
import type { LogEntry } from './engine.ts';

/**
 * The most recent message ids and the entries they produced, bounded by count. A publisher
 * that retries after a reconnect gets its original entry back instead of a second copy.
 * Ids are remembered by count, not age, so a retry is recognised however long the
 * reconnect took, as long as fewer than `capacity` messages came in between.
 */
export class RecentIds {
  readonly capacity: number;
  readonly #entries = new AgeOrderedMap<string, LogEntry>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): LogEntry | undefined {
    return this.#entries.get(key);
  }

  /** Remembers a key not yet present; the oldest one is forgotten beyond `capacity`. */
  remember(key: string, entry: LogEntry): void {
    this.#entries.set(key, entry);
    if (this.#entries.size > this.capacity) this.#entries.shift();
  }

  clear(): void {
    this.#entries.clear();
  }
}
