import {
  checkDuration,
  checkInteger,
  checkKnownOptions,
  withDefaults,
} from '@switchboard/protocol';
import type { AgentLogLine, AgentLogsEvent, LogStreamName } from './schemas.ts';

export interface LogStreamOptions {
  /** Most lines in one batch (one publish). @default 200 */
  maxBatchLines?: number;
  /**
   * Most bytes in one batch: UTF-8 bytes of the line texts plus 64 per line for the JSON
   * around them. A longer single line is cut to fit. Keep it well below the hub's
   * `maxPayload`. @default 65_536
   */
  maxBatchBytes?: number;
  /** Longest a line waits for its batch to fill before the batch is sent anyway. @default 50 */
  flushIntervalMs?: number;
  /**
   * Lines kept while a batch is in flight or the hub is away. When full, the oldest line is
   * dropped and counted in the next batch's `dropped`. @default 10_000
   */
  maxBufferedLines?: number;
}

export const LOG_STREAM_DEFAULTS = {
  maxBatchLines: 200,
  maxBatchBytes: 65_536,
  flushIntervalMs: 50,
  maxBufferedLines: 10_000,
} as const satisfies Required<LogStreamOptions>;

export interface LogStreamStats {
  /** Lines given to `write` (after `close`, none are taken). */
  written: number;
  /** Lines the hub acknowledged. */
  sent: number;
  /** Lines dropped: pushed out of a full buffer, or in a batch the hub did not take. */
  dropped: number;
  /** Lines waiting to be sent. */
  buffered: number;
  /** Batches the hub acknowledged. */
  batches: number;
}

/** A batched, ordered, bounded stream of one agent's output lines. */
export interface LogStream {
  /** Buffers one line and returns at once; never blocks and never throws. */
  write(line: string, stream?: LogStreamName): void;
  /** Sends everything written so far; resolves once it was acknowledged or dropped. */
  flush(): Promise<void>;
  /** Flushes, then ignores further writes. */
  close(): Promise<void>;
  stats(): LogStreamStats;
  readonly closed: boolean;
}

/** Bytes a line costs in a batch besides its text: `{"seq":…,"stream":"stdout","text":"","at":…}`. */
const LINE_OVERHEAD = 64;

interface FlushWaiter {
  seq: number;
  resolve: () => void;
}

type Publish = (payload: AgentLogsEvent) => Promise<unknown>;

/**
 * The buffer is an array with a moving head, compacted now and then, so dropping the oldest
 * line and taking a batch are O(1) per line. One batch is in flight at a time: the hub acks
 * in order anyway, and waiting for the ack is the backpressure that lets the buffer (and
 * only the buffer) absorb a slow hub.
 */
export class BatchingLogStream implements LogStream {
  readonly #agentId: string;
  readonly #publish: Publish;
  readonly #onError: (error: unknown) => void;
  readonly #options: Required<LogStreamOptions>;
  #lines: AgentLogLine[] = [];
  #head = 0;
  #bytes = 0;
  #nextSeq = 1;
  /** Dropped since the last batch was sent; reported in the next one. */
  #unreported = 0;
  /** Lines with seq up to this are sent without waiting for a full batch (flush). */
  #flushUpTo = 0;
  #inFlight: { firstSeq: number } | undefined;
  #pumpQueued = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiters: FlushWaiter[] = [];
  #closed = false;
  readonly #stats = { written: 0, sent: 0, dropped: 0, batches: 0 };

  constructor(
    agentId: string,
    publish: Publish,
    onError: (error: unknown) => void,
    options: LogStreamOptions = {},
  ) {
    this.#agentId = agentId;
    this.#publish = publish;
    this.#onError = onError;
    this.#options = resolveOptions(options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(line: string, stream: LogStreamName = 'stdout'): void {
    if (this.#closed) return;
    const text = fit(typeof line === 'string' ? line : String(line), this.#maxTextBytes());
    this.#lines.push({
      seq: this.#nextSeq++,
      stream: stream === 'stderr' ? 'stderr' : 'stdout',
      text,
      at: Date.now(),
    });
    this.#bytes += cost(text);
    this.#stats.written += 1;
    if (this.#lines.length - this.#head > this.#options.maxBufferedLines) this.#dropOldest();
    this.#schedule();
  }

  flush(): Promise<void> {
    const seq = this.#nextSeq - 1;
    if (this.#settledUpTo(seq)) return Promise.resolve();
    this.#flushUpTo = Math.max(this.#flushUpTo, seq);
    return new Promise((resolve) => {
      this.#waiters.push({ seq, resolve });
      this.#schedule();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  stats(): LogStreamStats {
    return { ...this.#stats, buffered: this.#lines.length - this.#head };
  }

  #maxTextBytes(): number {
    return this.#options.maxBatchBytes - LINE_OVERHEAD;
  }

  #dropOldest(): void {
    const line = this.#lines[this.#head]!;
    this.#lines[this.#head] = undefined as never;
    this.#head += 1;
    this.#bytes -= cost(line.text);
    this.#unreported += 1;
    this.#stats.dropped += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }

  #ready(): boolean {
    const buffered = this.#lines.length - this.#head;
    return (
      buffered >= this.#options.maxBatchLines ||
      this.#bytes >= this.#options.maxBatchBytes ||
      (buffered > 0 && this.#lines[this.#head]!.seq <= this.#flushUpTo)
    );
  }

  #schedule(): void {
    if (this.#inFlight !== undefined || this.#pumpQueued || this.#lines.length === this.#head) {
      return;
    }
    if (this.#ready()) {
      // Not inline: `write` stays cheap and never re-enters the client.
      this.#pumpQueued = true;
      queueMicrotask(() => {
        this.#pumpQueued = false;
        this.#pump();
      });
      return;
    }
    if (this.#timer === undefined) {
      const oldest = this.#lines[this.#head]!.at;
      const wait = Math.max(0, oldest + this.#options.flushIntervalMs - Date.now());
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
      }, wait);
      // A buffered line alone should not keep a process alive: `close()` before exiting.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  #pump(): void {
    if (this.#inFlight !== undefined || this.#lines.length === this.#head) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#take();
    const at = Date.now();
    // Built here rather than parsed: the hot path. `timestamp` is `at`'s seed name.
    const payload: AgentLogsEvent = {
      agentId: this.#agentId,
      lines: batch,
      dropped: this.#unreported,
      at,
      timestamp: at,
    };
    const unreported = this.#unreported;
    this.#unreported = 0;
    this.#inFlight = { firstSeq: batch[0]!.seq };
    let sending: Promise<unknown>;
    try {
      sending = this.#publish(payload);
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending
      .then(
        () => {
          this.#stats.sent += batch.length;
          this.#stats.batches += 1;
        },
        (error: unknown) => {
          // The lines are gone; the receiver learns how many from the next batch.
          this.#unreported += unreported + batch.length;
          this.#stats.dropped += batch.length;
          this.#onError(error);
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        this.#resolveWaiters();
        this.#schedule();
      });
  }

  #take(): AgentLogLine[] {
    const { maxBatchLines, maxBatchBytes } = this.#options;
    const batch: AgentLogLine[] = [];
    let bytes = 0;
    while (this.#head < this.#lines.length && batch.length < maxBatchLines) {
      const line = this.#lines[this.#head]!;
      const size = cost(line.text);
      if (batch.length > 0 && bytes + size > maxBatchBytes) break;
      batch.push(line);
      bytes += size;
      this.#lines[this.#head] = undefined as never;
      this.#head += 1;
    }
    this.#bytes -= bytes;
    if (this.#head === this.#lines.length) {
      this.#lines = [];
      this.#head = 0;
    }
    return batch;
  }

  /** True when no line with seq up to `seq` is buffered or in flight. */
  #settledUpTo(seq: number): boolean {
    const headSeq = this.#lines.length > this.#head ? this.#lines[this.#head]!.seq : Infinity;
    const inFlightSeq = this.#inFlight?.firstSeq ?? Infinity;
    return headSeq > seq && inFlightSeq > seq;
  }

  #resolveWaiters(): void {
    if (this.#waiters.length === 0) return;
    const waiting: FlushWaiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#settledUpTo(waiter.seq)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
  }
}

/** Merges the defaults once and checks every value; TypeErrors name the option. */
function resolveOptions(options: LogStreamOptions): Required<LogStreamOptions> {
  const owner = 'createLogStream';
  checkKnownOptions(owner, options, Object.keys(LOG_STREAM_DEFAULTS));
  const resolved: Required<LogStreamOptions> = withDefaults(LOG_STREAM_DEFAULTS, options);
  checkInteger(owner, 'maxBatchLines', resolved.maxBatchLines, { min: 1 });
  checkInteger(owner, 'maxBatchBytes', resolved.maxBatchBytes, { min: 1024 });
  checkInteger(owner, 'maxBufferedLines', resolved.maxBufferedLines, { min: 1 });
  // A timer delay: setTimeout would fire a longer one at once.
  checkDuration(owner, 'flushIntervalMs', resolved.flushIntervalMs, { min: 0 });
  if (resolved.maxBufferedLines < resolved.maxBatchLines) {
    throw new TypeError(
      `${owner} options "maxBufferedLines" and "maxBatchLines" conflict: the buffer must hold at least one batch`,
    );
  }
  return resolved;
}

function cost(text: string): number {
  return utf8Length(text) + LINE_OVERHEAD;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, never inside a surrogate pair. */
export function fit(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const pair =
      code >= 0xd800 && code <= 0xdbff && end + 1 < text.length
        ? text.charCodeAt(end + 1) >= 0xdc00 && text.charCodeAt(end + 1) <= 0xdfff
        : false;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += pair ? 2 : 1;
  }
  return text.slice(0, end);
}
