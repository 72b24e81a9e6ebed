import type { LogEntry } from '@switchboard/router';
import { serializeEvent } from './event-serializer.ts';
import { FrameSlab, type SlabChunk } from './frame-slab.ts';
import type { RouterConnection } from './router-link.ts';
import type { SubscriptionRegistry } from './subscription-registry.ts';

/**
 * @internal
 * Delivers each log entry to every open connection with a matching subscription, once per
 * connection however many of its patterns match. The entry is serialized and framed once,
 * into the slab, and every subscriber gets the same bytes: no per-delivery closure, copy or
 * allocation.
 */
export class FanOut {
  /** Deliveries so far. */
  delivered = 0;
  #fanOutEntry: LogEntry | undefined;
  /** Counts fan-outs; not the offset, which a new epoch or another engine could repeat. */
  #fanOutRound = 0;
  /** Where the current entry's frame went in the slab (its index is the chunk's last). */
  #fanOutChunk: SlabChunk | undefined;
  #fanOutIndex = 0;
  readonly #slab = new FrameSlab();

  constructor(private readonly subscriptions: SubscriptionRegistry) {}

  deliver(entry: LogEntry): void {
    this.#fanOutEntry = entry;
    this.#fanOutChunk = undefined;
    this.#fanOutRound += 1;
    this.subscriptions.forEachMatch(entry.topic, this.#visit);
    this.#fanOutEntry = undefined;
    this.#fanOutChunk = undefined;
  }

  /**
   * Called per matching (connection, pattern). A connection with several matching patterns
   * is visited several times; the round mark delivers once without building a set.
   */
  readonly #visit = (connection: RouterConnection): void => {
    const entry = this.#fanOutEntry!;
    if (connection.fanOutMark === this.#fanOutRound) return;
    connection.fanOutMark = this.#fanOutRound;
    if (connection.id === entry.publisherId || connection.state !== 'open') return;
    // Serialized and framed once per publish; every subscriber gets the same bytes.
    if (this.#fanOutChunk === undefined) {
      this.#fanOutChunk = this.#slab.append(
        serializeEvent(entry, false),
        entry.offset,
        entry.topic,
      );
      this.#fanOutIndex = this.#fanOutChunk.count - 1;
    }
    connection.output.deliver(this.#fanOutChunk, this.#fanOutIndex, entry.epoch);
    this.delivered += 1;
  };
}
