import { AgeOrderedMap } from './age-ordered-map.ts';
import type { LogEntry } from './engine.ts';

/**
 * The most recent message ids and the entries they produced, bounded by count. A publisher
 * that retries after a reconnect gets its original entry back instead of a second copy.
 * Ids are remembered by count, not age, so a retry is recognised however long the
 * reconnect took, as long as fewer than `capacity` messages came in between.
 *
 * An id outlives its entry in history when `capacity` is above what history holds (a
 * larger `dedupeWindow`, or history trimmed by bytes or age). It must not keep the payload
 * alive then, or the byte bound of history would bound nothing: `released` swaps the entry
 * for a copy without `data`, which is all an ack needs (offset, sequence number, epoch).
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
    this.#entries.add(key, entry);
    if (this.#entries.size > this.capacity) this.#entries.shift();
  }

  /** `entry` left history: keep its position under `key`, drop its data. */
  released(key: string, entry: LogEntry): void {
    if (this.#entries.get(key) !== entry) return;
    const { id, topic, sequenceNumber, offset, epoch, timestamp, publisherId } = entry;
    const position: LogEntry = {
      id,
      topic,
      data: undefined,
      sequenceNumber,
      offset,
      epoch,
      timestamp,
      publisherId,
    };
    this.#entries.replace(key, position);
  }

  clear(): void {
    this.#entries.clear();
  }
}
