import { assertPattern, assertTopic, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { RecentIds } from './dedupe.ts';
import type {
  AppendInput,
  AppendOutcome,
  Engine,
  EngineStats,
  EntryListener,
  Interest,
  LogEntry,
  ReadOutcome,
  ReadRequest,
  StreamPosition,
} from './engine.ts';
import { entrySize } from './entry-size.ts';
import { History } from './history.ts';
import { type MemoryEngineOptions, resolveOptions } from './memory-engine-options.ts';
import { createTopicFilter } from './topic-filter.ts';
import { TopicTable } from './topic-state.ts';

/**
 * The embedded `Engine`: one process, one log in memory. Appends are synchronous inside,
 * so sequence number, offset and epoch are assigned atomically, and listeners see every
 * entry in offset order before `append` resolves. It has nothing to connect to, so it is
 * open from construction: `open()` resolves at once and nothing needs to wait for it.
 */
export class MemoryEngine implements Engine {
  readonly epoch: string;
  readonly #historyTtlMs: number;
  readonly #historyBytes: number;
  /** Past this an entry's exact size changes nothing (see `sizeCap`). */
  readonly #sizeCap: number;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  readonly #history: History;
  readonly #recent: RecentIds;
  readonly #topics: TopicTable;
  #listeners: readonly EntryListener[] = [];
  // Entries appended by listeners while dispatching wait here, to keep offset order.
  readonly #pending: LogEntry[] = [];
  #dispatching = false;
  /** Newest offset in the log. */
  #head = 0;
  /** Newest offset handed to listeners: `head()`. Behind `#head` only while dispatching. */
  #delivered = 0;
  #appended = 0;
  #duplicates = 0;
  #closed = false;
  #stopListening: (() => void) | undefined;

  constructor(options: MemoryEngineOptions = {}) {
    const o = resolveOptions(options);
    this.epoch = o.epoch;
    this.#historyTtlMs = o.historyTtlMs;
    this.#historyBytes = o.historyBytes;
    this.#sizeCap = sizeCap(o.historyBytes, o.retainedBytes);
    this.#now = o.now;
    this.#onError = o.onError;
    this.#history = new History(o.historySize);
    this.#recent = new RecentIds(o.dedupeWindow);
    this.#topics = new TopicTable({
      maxRetainedTopics: o.maxRetainedTopics,
      maxRetainedBytes: o.retainedBytes,
      isTopicInUse: o.isTopicInUse,
      prunedFilterBytes: o.prunedTopicsFilterBytes,
      onError: o.onError,
    });
  }

  async open(): Promise<void> {
    this.#assertOpen();
  }

  async append(input: AppendInput): Promise<AppendOutcome> {
    this.#assertOpen();
    assertTopic(input.topic);
    if (typeof input.id !== 'string' || input.id.length === 0) {
      const message = 'Message id must be a non-empty string';
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, message, { details: { field: 'id' } });
    }
    if (input.timestamp !== undefined && !Number.isFinite(input.timestamp)) {
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, 'timestamp must be a finite number', {
        details: { field: 'timestamp' },
      });
    }
    const key = input.dedupeKey ?? input.id;
    const original = this.#recent.get(key);
    if (original !== undefined) {
      this.#duplicates++;
      return { entry: original, duplicate: true };
    }

    const now = this.#now();
    const offset = this.#head + 1;
    // Count the entry for its topic before evicting anything, so that evicting the topic's
    // previous entry cannot prune the counter this entry is about to continue.
    const state = this.#topics.acquire(input.topic, offset);
    const entry: LogEntry = {
      id: input.id,
      topic: input.topic,
      data: input.data,
      sequenceNumber: state.sequence,
      offset,
      epoch: this.epoch,
      timestamp: input.timestamp ?? now,
      publisherId: input.publisherId,
    };
    const size = entrySize(input, key, this.#sizeCap);
    state.last = entry;
    state.lastBytes = size;
    this.#trimByAge(now);
    // Remembered first: at the count bound the id forgotten is the entry evicted next, which
    // then needs no data-less copy in the dedupe window (see RecentIds.released).
    this.#recent.remember(key, entry);
    const history = this.#history;
    // The newest entry always stays, however large: an acknowledged append is readable.
    while (history.length > 0 && (history.isFull || history.bytes + size > this.#historyBytes)) {
      this.#evictOldest();
    }
    history.push(entry, now, size, key);
    this.#head = offset;
    this.#appended++;
    this.#topics.sweep();
    this.#dispatch(entry);
    return { entry, duplicate: false };
  }

  async read(request: ReadRequest): Promise<ReadOutcome> {
    this.#assertOpen();
    const { after, patterns, limit } = request;
    nonNegativeInteger(after, 'after');
    nonNegativeInteger(limit, 'limit');
    for (const pattern of patterns) assertPattern(pattern);
    this.#trimByAge(this.#now());

    const head = this.#head;
    const history = this.#history;
    const oldest = history.oldest()?.offset ?? head + 1;
    // Complete when nothing after `after` was evicted. A position beyond the head cannot come
    // from this log, so it is never called complete.
    const complete = after <= head && oldest <= after + 1;
    const accepts = createTopicFilter(patterns);
    const entries: LogEntry[] = [];
    let truncated = false;
    for (let i = history.indexAfter(after); i < history.length; i++) {
      const entry = history.at(i);
      if (!accepts(entry.topic)) continue;
      if (entries.length === limit) {
        truncated = true;
        break;
      }
      entries.push(entry);
    }
    return { entries, complete, truncated, head };
  }

  /**
   * The retained values of matching topics: the `limit` most recently updated, returned in
   * offset order. Scans the topic table, which holds at most `historySize` +
   * `maxRetainedTopics` topics.
   */
  async lastValues(pattern: string, limit: number): Promise<LogEntry[]> {
    this.#assertOpen();
    assertPattern(pattern);
    nonNegativeInteger(limit, 'limit');
    this.#trimByAge(this.#now());
    const accepts = createTopicFilter([pattern]);
    const found: LogEntry[] = [];
    for (const [topic, state] of this.#topics.states()) {
      if (state.last !== undefined && accepts(topic)) found.push(state.last);
    }
    found.sort((a, b) => a.offset - b.offset);
    return limit === 0 ? [] : found.slice(-limit);
  }

  onEntry(listener: EntryListener): () => void {
    if (this.#closed) return () => {};
    // Copy on write: a dispatch in progress keeps iterating the array it started with.
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Keeps the state of topics `interest` matches after their history is gone. */
  setInterest(interest: Interest): void {
    if (this.#closed) return;
    this.#stopListening?.();
    // A lingering topic can only become unused when a pattern loses its last subscriber.
    this.#stopListening = interest.listen('pattern-removed', () => this.#topics.interestChanged());
    this.#topics.useInterest((topic) => interest.hasMatch(topic));
  }

  head(): StreamPosition {
    return { epoch: this.epoch, offset: this.#delivered };
  }

  stats(): EngineStats {
    if (!this.#closed) this.#trimByAge(this.#now());
    return {
      epoch: this.epoch,
      head: this.#delivered,
      historySize: this.#history.length,
      historyBytes: this.#history.bytes,
      retainedBytes: this.#topics.retainedBytes,
      topics: this.#topics.size,
      appended: this.#appended,
      duplicates: this.#duplicates,
      pruned: this.#topics.prunedCount,
    };
  }

  /** Drops listeners and memory; later `append`, `read`, `lastValues` and `open` reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopListening?.();
    this.#stopListening = undefined;
    this.#listeners = [];
    this.#history.clear();
    this.#recent.clear();
    this.#topics.clear();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'The engine is closed');
    }
  }

  #trimByAge(now: number): void {
    const cutoff = now - this.#historyTtlMs;
    const history = this.#history;
    while (history.length > 0 && history.oldestAppendedAt() < cutoff) this.#evictOldest();
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A failing reporter must not cost the remaining listeners their entries.
    }
  }

  #evictOldest(): void {
    const key = this.#history.oldestKey();
    const entry = this.#history.shift();
    if (entry === undefined || key === undefined) return;
    this.#recent.released(key, entry);
    this.#topics.evicted(entry);
  }

  #dispatch(entry: LogEntry): void {
    this.#pending.push(entry);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      // Index loop: listeners may append, which pushes onto `pending` while we drain it.
      for (let i = 0; i < this.#pending.length; i++) {
        const next = this.#pending[i]!;
        this.#delivered = next.offset;
        for (const listener of this.#listeners) {
          // A listener may close the engine; the others must not hear from it after that.
          if (this.#closed) return;
          try {
            listener(next);
          } catch (error) {
            this.#report(error);
          }
        }
      }
    } finally {
      this.#pending.length = 0;
      this.#dispatching = false;
    }
  }
}

/**
 * How far an entry's size estimate needs to go. Every decision compares a size with a
 * finite bound, so counting past the larger one changes none (only what stats report for
 * such an entry). With both bounds off the walk still stops: a value that references itself
 * must not stall an append.
 */
function sizeCap(historyBytes: number, retainedBytes: number): number {
  const finite = [historyBytes, retainedBytes].filter(Number.isFinite);
  return finite.length === 0 ? 2 ** 30 : Math.max(...finite);
}

function nonNegativeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer`);
  }
}
