/**
 * The `Engine` is what the hub log and fan-out sit behind. The in-memory engine is the
 * embedded default; a cluster engine (Redis Streams + pub/sub) implements the same
 * interface in one file so hub nodes share one log.
 *
 * Offsets start at 1 within an epoch; position `{ epoch, offset: 0 }` means "nothing seen".
 */

/** What a publisher hands the engine. */
export interface AppendInput {
  /** Message id, unique per publisher; a repeated id within the history window is a duplicate. */
  id: string;
  topic: string;
  data: unknown;
  /** Milliseconds since the Unix epoch; the engine fills it in when absent. */
  timestamp?: number;
  /** Connection or principal that published, for echo suppression; never sent to clients. */
  publisherId?: string;
  /**
   * Key for duplicate detection, when ids are only unique per publisher: e.g.
   * `${principal}:${id}`. Defaults to `id`.
   */
  dedupeKey?: string;
}

/** One message in the hub log. */
export interface LogEntry {
  readonly id: string;
  readonly topic: string;
  readonly data: unknown;
  /** Per-topic, gap-free within the topic's life, never repeated within an epoch. */
  readonly sequenceNumber: number;
  /** Hub-wide position, strictly increasing within an epoch. */
  readonly offset: number;
  readonly epoch: string;
  readonly timestamp: number;
  readonly publisherId?: string;
}

export interface AppendOutcome {
  entry: LogEntry;
  /** True when the id was already in the log: `entry` is the stored original, nothing was appended. */
  duplicate: boolean;
}

export interface ReadRequest {
  /** Read entries with offset strictly greater than this. */
  after: number;
  /** Only entries whose topic matches one of these patterns. */
  patterns: readonly string[];
  /** At most this many entries. */
  limit: number;
}

export interface ReadOutcome {
  entries: LogEntry[];
  /**
   * True when the log still held every entry after `after` (nothing matching was lost to
   * the history bounds). False means the gap cannot be filled: the caller must resync.
   */
  complete: boolean;
  /** True when `limit` cut the read short; read again after the last returned offset. */
  truncated: boolean;
  /** The newest offset at the time of the read. */
  head: number;
}

export interface StreamPosition {
  epoch: string;
  offset: number;
}

export interface EngineStats {
  epoch: string;
  head: number;
  /** Entries currently held in history. */
  historySize: number;
  /** Topics with live per-topic state. */
  topics: number;
  appended: number;
  duplicates: number;
  pruned: number;
}

export type EntryListener = (entry: LogEntry) => void;

export interface Engine {
  /** Id of the current log; changes whenever the log is reset. */
  readonly epoch: string;
  /** Appends atomically: sequence number, offset and epoch are assigned together. */
  append(input: AppendInput): Promise<AppendOutcome>;
  /** Reads history for recovery, filtered by patterns, in offset order. */
  read(request: ReadRequest): Promise<ReadOutcome>;
  /** Retained last value of a topic, if history or the retained store still has it. */
  lastValue(topic: string): Promise<LogEntry | undefined>;
  /** Retained last values of every topic matching the pattern, in offset order. */
  lastValues(pattern: string, limit: number): Promise<LogEntry[]>;
  /** Every appended entry (from this node or, for cluster engines, any node) in offset order. */
  onEntry(listener: EntryListener): () => void;
  /** The newest position. */
  head(): StreamPosition;
  stats(): EngineStats;
  close(): Promise<void>;
}
