import { AgeOrderedMap } from './age-ordered-map.ts';
import { BloomFilter } from './bloom-filter.ts';
import type { LogEntry } from './engine.ts';

/** What the engine keeps per topic. */
export interface TopicState {
  /** Last sequence number handed out. */
  sequence: number;
  /** How many of the topic's entries are still in history. */
  inHistory: number;
  /** Retained last value. */
  last: LogEntry | undefined;
  /** The estimated size of `last` (see entry-size.ts), counted against `maxRetainedBytes`. */
  lastBytes: number;
}

export interface TopicTableOptions {
  /** Bound on topics kept without entries in history (retained value, or in use). */
  maxRetainedTopics: number;
  /** Bound on the sizes of their retained values (`lastBytes`). */
  maxRetainedBytes: number;
  /** Initial `isTopicInUse`. */
  isTopicInUse: (topic: string) => boolean;
  /** Size of the filter that remembers pruned topics. */
  prunedFilterBytes: number;
  /** Reports an `isTopicInUse` that threw; the topic is then treated as in use. */
  onError: (error: unknown) => void;
}

/** Lingering topics re-checked per append, so that released topics are pruned eventually. */
const SWEEP_STEPS = 2;

/**
 * Per-topic state with bounded memory when millions of distinct (e.g. per-task) topics pass
 * through. A topic's state lives while it has entries in history; when its last entry is
 * evicted it is pruned at once unless `isTopicInUse` says someone still subscribes to it,
 * in which case it lingers (keeping its counter and retained value) until a sweep finds it
 * unused or `maxRetainedTopics` or `maxRetainedBytes` pushes it out, least recently updated
 * first; a value larger than `maxRetainedBytes` on its own is not kept at all (it would push
 * out every other one and then itself). Every step is O(1) per appended or evicted entry,
 * plus one per topic pushed out.
 *
 * Sequence numbers never repeat within an epoch: a topic that was pruned restarts at the
 * offset of its new entry, which is larger than any sequence number it had, because each
 * append raises the hub offset and at most raises a topic's sequence by one (so sequence <=
 * offset always). Pruned topics go into a Bloom filter so that topics never seen before can
 * still start at 1; a false positive only means starting at the offset.
 */
export class TopicTable {
  readonly #states = new Map<string, TopicState>();
  // Topics without entries in history, oldest update first (Map insertion order).
  readonly #lingering = new AgeOrderedMap<string, TopicState>();
  #sweep: Iterator<string> | undefined;
  readonly #pruned: BloomFilter;
  readonly #options: TopicTableOptions;
  #prunedCount = 0;
  #retainedBytes = 0;
  /**
   * Whether someone still subscribes to a topic; the engine's interest replaces it (see
   * `useInterest`).
   */
  isTopicInUse: (topic: string) => boolean;
  /** `isTopicInUse` announces every change that can make a topic unused (`interestChanged`). */
  #changesAnnounced = false;
  /** Counts such changes (and checks that threw, which must be retried). */
  #changes = 0;
  /** `#changes` when the sweep under way started its pass over the lingering topics. */
  #passFrom = 0;
  /**
   * `#changes` as of which every lingering topic was found in use; while nothing changed
   * since, the sweep has nothing to find and does not ask again.
   */
  #inUseAsOf = -1;

  constructor(options: TopicTableOptions) {
    this.#options = options;
    this.isTopicInUse = options.isTopicInUse;
    this.#pruned = new BloomFilter(options.prunedFilterBytes);
  }

  /** Topics with live state. */
  get size(): number {
    return this.#states.size;
  }

  /** The sizes of the values kept for lingering topics (none of them in history). */
  get retainedBytes(): number {
    return this.#retainedBytes;
  }

  /** Topics pruned so far. */
  get prunedCount(): number {
    return this.#prunedCount;
  }

  get(topic: string): TopicState | undefined {
    return this.#states.get(topic);
  }

  states(): IterableIterator<[string, TopicState]> {
    return this.#states.entries();
  }

  /**
   * Counts a new entry of `topic` at `offset` as in history and raises the topic's sequence
   * number for it (read it from the returned state). The caller stores the entry in `last`
   * and its size in `lastBytes`.
   */
  acquire(topic: string, offset: number): TopicState {
    let state = this.#states.get(topic);
    if (state === undefined) {
      // Maybe seen before: continue above anything it can have had (see class comment).
      const base = this.#pruned.has(topic) ? offset - 1 : 0;
      state = { sequence: base, inHistory: 0, last: undefined, lastBytes: 0 };
      this.#states.set(topic, state);
    } else if (state.inHistory === 0) {
      // It lingered: its value is back in history, and counted there.
      this.#lingering.delete(topic);
      this.#retainedBytes -= state.lastBytes;
    }
    state.inHistory++;
    state.sequence++;
    return state;
  }

  /** One of the topic's entries left history. */
  evicted(entry: LogEntry): void {
    const state = this.#states.get(entry.topic);
    if (state === undefined || --state.inHistory > 0) return;
    const o = this.#options;
    if (state.lastBytes > o.maxRetainedBytes || !this.#inUse(entry.topic)) {
      this.#prune(entry.topic);
      return;
    }
    // Not lingering while it had entries in history (acquire took it out).
    this.#lingering.add(entry.topic, state);
    this.#retainedBytes += state.lastBytes;
    while (this.#lingering.size > o.maxRetainedTopics || this.#retainedBytes > o.maxRetainedBytes) {
      this.#release(this.#lingering.shift()!);
    }
  }

  /**
   * Takes the topics in use from `isTopicInUse`, which calls `interestChanged` whenever a
   * topic it matched may stop being matched (an interest's `pattern-removed`).
   */
  useInterest(isTopicInUse: (topic: string) => boolean): void {
    this.isTopicInUse = isTopicInUse;
    this.#changesAnnounced = true;
    this.interestChanged();
  }

  /** A topic in use may no longer be: the sweep asks about every lingering topic again. */
  interestChanged(): void {
    this.#changes++;
  }

  /**
   * Re-checks a few lingering topics and prunes those no longer in use. With an interest
   * that announces its changes, once a pass over every lingering topic found them in use
   * nothing is asked again until the next change: a topic starts lingering only after a
   * check found it in use. With a hub-wide `#` subscriber every topic lingers, and asking
   * two of them per append cost ~2.5% of the hub's CPU at 10,000 publishers.
   */
  sweep(steps = SWEEP_STEPS): void {
    if (this.#inUseAsOf === this.#changes) return;
    for (let i = 0; i < steps && this.#lingering.size > 0; i++) {
      if (this.#sweep === undefined) {
        this.#sweep = this.#lingering.keys();
        this.#passFrom = this.#changes;
      }
      const next = this.#sweep.next();
      if (next.done) {
        // Start over on the next call; Map iterators see later insertions, so nothing is missed.
        this.#sweep = undefined;
        if (this.#changesAnnounced) this.#inUseAsOf = this.#passFrom;
        if (this.#inUseAsOf === this.#changes) return;
        continue;
      }
      if (!this.#inUse(next.value)) this.#release(next.value);
    }
  }

  clear(): void {
    this.#states.clear();
    this.#lingering.clear();
    this.#sweep = undefined;
    this.#retainedBytes = 0;
  }

  /** Prunes a lingering topic (still in `#lingering`, or just shifted out of it). */
  #release(topic: string): void {
    this.#retainedBytes -= this.#states.get(topic)?.lastBytes ?? 0;
    this.#prune(topic);
  }

  #prune(topic: string): void {
    this.#states.delete(topic);
    this.#lingering.delete(topic);
    this.#pruned.add(topic);
    this.#prunedCount++;
  }

  #inUse(topic: string): boolean {
    try {
      return this.isTopicInUse(topic);
    } catch (error) {
      this.#options.onError(error);
      // Treated as in use for now, and asked again.
      this.#changes++;
      return true;
    }
  }
}
