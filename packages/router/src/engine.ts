/**
 * The `Engine` is what the hub log and fan-out sit behind. `MemoryEngine` is the embedded
 * default; a cluster engine (Redis Streams) implements the same interface so that several
 * hub nodes share one log and a client can recover on any of them. Every engine must pass
 * `@switchboard/engine-conformance` unchanged; the README ("The Engine contract") explains
 * the contract as a whole, the docs below state it member by member.
 *
 * Words used throughout:
 * - The log is one totally ordered sequence of entries shared by every instance (node) of
 *   an engine that uses the same backend. An epoch names one life of the log.
 * - Offsets number the log's entries 1, 2, 3 ... within an epoch, without gaps. A position
 *   `{ epoch, offset: 0 }` means "nothing seen". Offsets compare only within one epoch.
 * - History is the part of the log an engine still holds, bounded by count, age and bytes.
 * - Delivering an entry means handing it to this instance's `onEntry` listeners.
 */

/** What a publisher hands the engine. */
export interface AppendInput {
  /** Message id, unique per publisher; a non-empty string. */
  id: string;
  /** A valid topic (no wildcards). */
  topic: string;
  /**
   * The payload. An engine may store it serialized, so pass JSON-compatible data and do not
   * mutate it after appending; what `read` and listeners return is equal to it, not
   * necessarily the same object.
   */
  data: unknown;
  /** Milliseconds since the Unix epoch, finite; the engine's clock when absent. */
  timestamp?: number;
  /** Connection or principal that published, for echo suppression; never sent to clients. */
  publisherId?: string;
  /**
   * Key for duplicate detection, when ids are only unique per publisher: e.g.
   * `${principal}:${id}`. Defaults to `id`.
   */
  dedupeKey?: string;
}

/** One entry of the hub log. */
export interface LogEntry {
  readonly id: string;
  readonly topic: string;
  readonly data: unknown;
  /**
   * Per topic and epoch: strictly increasing, and exactly one more than the topic's previous
   * entry as long as the topic keeps its state (while it has entries in history, or the
   * interest matches it). A topic whose state was dropped continues above every number it
   * had, possibly with a gap. A topic's first entry has 1 unless the engine cannot tell it
   * from a dropped topic; a number is never repeated within an epoch.
   */
  readonly sequenceNumber: number;
  /** Position in the log: 1 for the first entry of an epoch, one more for each entry. */
  readonly offset: number;
  /** The epoch of the log the entry was appended to. */
  readonly epoch: string;
  /** The publisher's timestamp, else the engine's clock at append. */
  readonly timestamp: number;
  readonly publisherId?: string;
}

export interface AppendOutcome {
  /**
   * The appended entry, or for a duplicate the stored original (equal to it). An engine
   * that remembers keys after their entry left history (the memory engine's
   * `dedupeWindow`) returns such an original without its data (`data` undefined): only its
   * position, id, topic and timestamp outlive history, so that the dedupe window does not
   * hold payloads the history bounds dropped.
   */
  entry: LogEntry;
  /** True when the dedupe key was already in the log: nothing was appended or delivered. */
  duplicate: boolean;
}

export interface ReadRequest {
  /** Read entries with offset strictly greater than this; a non-negative integer. */
  after: number;
  /** Only entries whose topic matches one of these valid patterns; none matches nothing. */
  patterns: readonly string[];
  /** At most this many entries; a non-negative integer. */
  limit: number;
}

export interface ReadOutcome {
  /**
   * Held entries with offset in (`after`, `head`] whose topic matches a pattern, in offset
   * order, at most `limit`. Returned even when `complete` is false.
   */
  entries: LogEntry[];
  /**
   * True exactly when `after <= head` and no entry with offset in (`after`, `head`] has left
   * history, whether or not it would have matched (the engine cannot prove it would not).
   * False means the gap cannot be filled: the caller must resync. A position beyond `head`
   * was never given out by this log and is never complete.
   */
  complete: boolean;
  /**
   * True exactly when `limit` stopped the read while at least one more matching entry was
   * held; read again with `after` set to the last returned offset.
   */
  truncated: boolean;
  /**
   * The log's newest offset when the read was served. A cluster engine may have appended
   * entries this instance has not delivered yet, so it can be ahead of `head()`; a caller
   * that continues with live entries keeps only those `<= head()` (see `Engine.head`).
   */
  head: number;
}

export interface StreamPosition {
  epoch: string;
  offset: number;
}

/** A snapshot for monitoring. */
export interface EngineStats {
  /** `engine.epoch`. */
  epoch: string;
  /** `engine.head().offset`. */
  head: number;
  /** Entries held in history, as of this instance's latest append or read. */
  historySize: number;
  /**
   * Bytes of the entries held in history, as the engine counts them against its
   * `historyBytes` bound (each engine documents its measure: the memory engine an estimate
   * of the heap an entry holds, RedisEngine the stored key, topic and serialized payload).
   * As of this instance's latest append or read.
   */
  historyBytes: number;
  /**
   * Bytes of the last values kept for topics with no entries left in history, counted
   * against the engine's `retainedBytes` bound in the same measure. As of this instance's
   * latest append or read.
   */
  retainedBytes: number;
  /** Topics with per-topic state, as of this instance's latest append or read. */
  topics: number;
  /** Entries appended through this instance. */
  appended: number;
  /** Appends through this instance that were duplicates. */
  duplicates: number;
  /** Topics whose state this instance dropped. */
  pruned: number;
}

export type EntryListener = (entry: LogEntry) => void;

/** Events of an `Interest`; listeners must not throw. */
export interface InterestEvents {
  /** `pattern` got its first local subscriber; `hasMatch` already reflects it. */
  'pattern-added': (pattern: string) => void;
  /** `pattern` lost its last local subscriber; `hasMatch` already reflects it. */
  'pattern-removed': (pattern: string) => void;
}

/**
 * The patterns this node's subscribers hold, kept current by their owner. The router's
 * `SubscriptionIndex` is one: the server passes its index, so the engine always sees the
 * subscriptions as they are now, and nothing has to be kept in step by hand.
 */
export interface Interest {
  /**
   * True when a held pattern matches `topic`. Called on the append path (the memory
   * engine asks when a topic's last entry leaves history), so it must be cheap: a trie
   * lookup, not a scan.
   */
  hasMatch(topic: string): boolean;
  /** Every pattern held now, e.g. for a cluster engine that (re)subscribes its backend. */
  patterns(): Iterable<string>;
  /** Change notifications, called synchronously inside the change; returns an unsubscribe. */
  listen<E extends keyof InterestEvents & string>(
    event: E,
    listener: InterestEvents[E],
  ): () => void;
}

/**
 * A hub log with fan-out. Lifecycle: construct, `open()`, use, `close()`.
 *
 * Before `open()` has resolved only `open`, `close`, `onEntry` and `setInterest` may be
 * called; what they register takes effect from open on. `epoch`, `head()` and `stats()`
 * then either throw `SwitchboardError` `NOT_CONNECTED` or already return what they return
 * after open (an engine that has nothing to connect to, such as `MemoryEngine`, which is
 * usable from construction). `append`, `read` and `lastValues` reject with
 * `NOT_CONNECTED` or work.
 *
 * After `close()` was called, `append`, `read`, `lastValues` and `open` reject with
 * `SwitchboardError` `SERVER_SHUTTING_DOWN`; listeners are not called again; `onEntry` and
 * `setInterest` do nothing; `epoch`, `head()` and `stats()` keep answering with their
 * last values, and `close()` resolves again.
 *
 * Errors thrown by listeners (and by an interest's `hasMatch`) never fail an append and
 * never reach the caller: they go to the engine's error reporter, by convention the
 * `onError` constructor option.
 */
export interface Engine {
  /**
   * Id of the log, 1 to 64 characters; also on every entry and in `head()`. A new log gets
   * a new epoch; two logs never share one. It changes while the engine is open only when
   * the engine finds its log lost (e.g. a wiped backend); offsets then start again at 1.
   */
  readonly epoch: string;

  /**
   * Connects, and makes the engine usable. Idempotent: calls made while opening share one
   * attempt, calls after it resolved resolve at once and change nothing. A rejected open
   * leaves the engine unopened; calling `open()` again retries. At open, `head()` is the
   * log's newest offset: entries appended before are history (readable), not delivered.
   */
  open(): Promise<void>;

  /**
   * Appends atomically: offset, sequence number, epoch and timestamp are assigned together,
   * and the entry is in the log when the promise resolves; `read` on any instance of the
   * log returns it from then on (while it is in history).
   *
   * Duplicates: when the dedupe key (`dedupeKey ?? id`) was appended earlier in this epoch
   * and is still remembered, nothing is appended or delivered and the outcome is
   * `{ duplicate: true, entry: original }`. Keys are remembered at least while their entry
   * is in history; concurrent appends of one key, on any instances, append it once.
   *
   * Rejects with `INVALID_TOPIC` for a topic that is not valid (a pattern included) and
   * with `INVALID_MESSAGE` for an empty id or a timestamp that is not a finite number.
   */
  append(input: AppendInput): Promise<AppendOutcome>;

  /**
   * Reads history for recovery (see `ReadOutcome`). Rejects with `INVALID_PATTERN` for a
   * pattern that is not valid and with a `TypeError` for a bad `after` or `limit`.
   */
  read(request: ReadRequest): Promise<ReadOutcome>;

  /**
   * The last entry of each topic matching `pattern` that still has state: topics with
   * entries in history, and topics the interest matches, whose last value is kept after
   * their history is gone (within the engine's documented bounds). Of those, the `limit`
   * most recently updated, in offset order. Rejects with `INVALID_PATTERN` or a `TypeError`
   * for a bad `limit`.
   */
  lastValues(pattern: string, limit: number): Promise<LogEntry[]>;

  /**
   * Adds a listener; returns a function that removes it (calling it again does nothing).
   *
   * Listeners get entries appended through any instance of the log, each once, in strictly
   * increasing offset order, starting after `head()` at the time they were added; each
   * entry goes to the listeners in the order they were added. Without
   * an interest they get every entry; with one, at least every entry whose topic it
   * matches (a cluster engine may leave out the others, the memory engine does not).
   * Delivery may come before or after the append resolves. A listener may append; its entry
   * comes after the current one has reached every listener. A listener removed during a
   * delivery may still get that entry, never a later one.
   */
  onEntry(listener: EntryListener): () => void;

  /**
   * Tells the engine which patterns this node's subscribers hold; replaces an earlier
   * interest. Call it before `open()` (the router does so in its constructor). The engine
   * keeps the last value of topics it matches after their history is gone, and a cluster
   * engine may deliver only what it matches. When a pattern is added while `head()` is
   * `h`, every later entry (offset > `h`) it matches is still delivered.
   */
  setInterest(interest: Interest): void;

  /**
   * How far this instance has delivered: every entry with offset `<= head().offset` that
   * its listeners are to get has been handed to them, and every later one will be, in
   * offset order. Inside a listener it is the offset of the entry being delivered. Never
   * decreases within an epoch.
   *
   * That is the boundary between replay and live delivery: a caller that reads `head()`
   * and adds its subscription in one synchronous step replays history up to it and takes
   * everything after it from the listeners, and gets each entry exactly once. An entry
   * appended concurrently is either `<= head` and readable (unless evicted, which
   * `complete: false` reports) or `> head` and still delivered, never neither.
   */
  head(): StreamPosition;

  /** See `EngineStats`. */
  stats(): EngineStats;

  /**
   * Stops delivery and releases the engine's resources; idempotent. An append still in
   * flight either resolves with its entry in the log or rejects; it never resolves without.
   */
  close(): Promise<void>;
  /**
   * Optional: whether this instance receives the log as it grows, for the hub's `/health`
   * (an engine without a backend to lose, such as `MemoryEngine`, leaves it out). `ok:
   * false` means clients on this node may not get what is published elsewhere.
   */
  health?(): EngineHealthSummary;
  /**
   * Optional: reports, in delivery order, what this instance could not deliver (see
   * `DeliveryLoss`): the listener is called after every entry before the loss reached the
   * `onEntry` listeners and before any entry after it. Returns a function that removes it.
   * An engine that can lose nothing (`MemoryEngine`) leaves it out.
   */
  onLoss?(listener: (loss: DeliveryLoss) => void): () => void;
}

/** What `Engine.health()` answers; an engine may add fields of its own. */
export interface EngineHealthSummary {
  readonly ok: boolean;
  /** A short word for operators: `live`, `reconnecting`, `stalled`, ... */
  readonly state: string;
}

/**
 * Entries this instance's listeners never got. `gap`: the entries `from..to` of `epoch`
 * left history before the instance could read them. `epoch-changed`: the log was lost;
 * delivery continues with the entries of `epoch` from its offset 1.
 */
export type DeliveryLoss =
  | { readonly kind: 'gap'; readonly epoch: string; readonly from: number; readonly to: number }
  | { readonly kind: 'epoch-changed'; readonly previous: string; readonly epoch: string };
