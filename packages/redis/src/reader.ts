import type { LogEntry } from '@switchboard/router';
import type Redis from 'ioredis';
import { decodeEntry } from './codec.ts';
import type { RedisLink } from './link.ts';
import {
  isStale,
  type LogScripts,
  type LogState,
  offsetOf,
  type RawEntry,
  rawValueOf,
  tagOf,
} from './scripts.ts';

/** Entries this node was to deliver that had left Redis before it could read them. */
export interface Gap {
  epoch: string;
  /** First missing offset. */
  from: number;
  /** Last missing offset. */
  to: number;
}

export interface EpochChange {
  previous: string;
  epoch: string;
}

export interface ReaderHost {
  /** The Redis run id the node checked the log under (every script call carries it). */
  run(): string;
  /** A script refused that run id: check the server again on this connection. */
  recheck(client: Redis): Promise<void>;
  deliver(entry: LogEntry): void;
  gap(gap: Gap): void;
  epochChanged(change: EpochChange): void;
  stalled(silentMs: number): void;
  /** Ends the reader's blocking read early (from another connection); best effort. */
  unblock(): void;
  error(error: unknown): void;
}

export interface ReaderOptions {
  streamKey: string;
  blockMs: number;
  readBatch: number;
  stallTimeoutMs: number;
}

/**
 * Delivery: one loop per node on its own connection. Each turn checks the log's epoch and
 * head (a script) and then blocks on XREAD after the last delivered id, pipelined on one
 * socket. Entries come in offset order; after a reconnect the loop resumes from `head`, so a
 * node that was cut off catches up from the stream. What it can no longer read is reported
 * as a gap, never skipped silently; another epoch (the log was lost) restarts it at 1.
 * A watchdog reconnects the socket when no read returned for `stallTimeoutMs`.
 */
export class Reader {
  readonly #link: RedisLink;
  readonly #scripts: LogScripts;
  readonly #host: ReaderHost;
  readonly #o: ReaderOptions;
  #epoch: string;
  #tag: string;
  #head: number;
  #logHead: number;
  #lastReadAt = Date.now();
  /** When the read in flight was sent; undefined between reads. */
  #readSince: number | undefined;
  #stopped = false;
  #watchdog: NodeJS.Timeout | undefined;
  /** When the watchdog last found the reader silent (ms since the Unix epoch). */
  #stalledAt: number | undefined;
  gaps = 0;
  missed = 0;
  epochChanges = 0;
  stalls = 0;

  constructor(
    link: RedisLink,
    scripts: LogScripts,
    host: ReaderHost,
    start: LogState,
    o: ReaderOptions,
  ) {
    this.#link = link;
    this.#scripts = scripts;
    this.#host = host;
    this.#o = o;
    this.#epoch = start.epoch;
    this.#tag = start.tag;
    this.#head = start.head;
    this.#logHead = start.head;
  }

  get epoch(): string {
    return this.#epoch;
  }

  /** The newest offset handed to the listeners (`Engine.head()`). */
  get head(): number {
    return this.#head;
  }

  /** The newest offset this node knows the log has. */
  get logHead(): number {
    return this.#logHead;
  }

  get lastReadAt(): number {
    return this.#lastReadAt;
  }

  /** An append or read through this node saw the log at `offset` (in this epoch). */
  saw(epoch: string, offset: number): void {
    if (epoch === this.#epoch && offset > this.#logHead) this.#logHead = offset;
  }

  start(): void {
    const every = Math.max(10, Math.min(this.#o.stallTimeoutMs / 2, 1000));
    this.#watchdog = setInterval(() => this.#checkStall(), every);
    this.#watchdog.unref();
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#watchdog);
  }

  async #loop(): Promise<void> {
    let backoff = 0;
    while (!this.#stopped) {
      try {
        await this.#link.ready();
        if (this.#stopped) return;
        await this.#turn();
        backoff = 0;
      } catch (error) {
        if (this.#stopped) return;
        if (isStale(error)) {
          await this.#host.recheck(this.#link.client).catch((e: unknown) => this.#host.error(e));
        } else if (this.#link.isReady) {
          // Not the connection (ready() waits for that): report, and do not spin.
          this.#host.error(error);
          backoff = Math.min(this.#o.blockMs, Math.max(50, backoff * 2));
          await new Promise((resolve) => setTimeout(resolve, backoff));
        }
      }
    }
  }

  async #turn(): Promise<void> {
    const { client } = this.#link;
    const { streamKey, blockMs, readBatch } = this.#o;
    const after = `${this.#head}-${this.#tag}`;
    this.#readSince = Date.now();
    const peek = this.#scripts.peek(client, this.#host.run()).then((log) => {
      // The read after it waits on ids of the old epoch: end it instead of waiting blockMs.
      if (log.epoch !== this.#epoch) this.#host.unblock();
      return log;
    });
    const [log, reply] = await Promise.all([
      peek,
      client.xread('COUNT', readBatch, 'BLOCK', blockMs, 'STREAMS', streamKey, after),
    ]).finally(() => {
      this.#readSince = undefined;
    });
    this.#lastReadAt = Date.now();
    if (this.#stopped) return;
    if (log.epoch !== this.#epoch) {
      this.#switchEpoch(log);
      return;
    }
    this.saw(log.epoch, log.head);
    const entries = (reply?.[0]?.[1] ?? []) as RawEntry[];
    // The read found nothing after `head` although the log had more when the turn began:
    // those entries left history in between.
    if (entries.length === 0 && log.head > this.#head) this.#skip(this.#head + 1, log.head);
    for (const raw of entries) {
      if (this.#stopped) return;
      // An id of another epoch: the next turn's check switches to it.
      if (tagOf(raw[0]) !== this.#tag) return;
      const offset = offsetOf(raw[0]);
      if (offset <= this.#head) continue;
      if (offset > this.#head + 1) this.#skip(this.#head + 1, offset - 1);
      this.#deliver(raw, offset);
    }
  }

  #deliver(raw: RawEntry, offset: number): void {
    let entry: LogEntry;
    try {
      entry = decodeEntry(rawValueOf(raw), this.#epoch);
    } catch (error) {
      this.#host.error(error);
      this.#skip(offset, offset);
      return;
    }
    this.#head = offset;
    this.saw(this.#epoch, offset);
    this.#host.deliver(entry);
  }

  #skip(from: number, to: number): void {
    this.gaps += 1;
    this.missed += to - from + 1;
    this.#head = to;
    this.saw(this.#epoch, to);
    this.#host.gap({ epoch: this.#epoch, from, to });
  }

  #switchEpoch(log: LogState): void {
    const previous = this.#epoch;
    this.#epoch = log.epoch;
    this.#tag = log.tag;
    // Every entry of the new log reaches the listeners, from its first.
    this.#head = 0;
    this.#logHead = log.head;
    this.epochChanges += 1;
    this.#host.epochChanged({ previous, epoch: log.epoch });
  }

  /**
   * True from a stall until a read returns again: the watchdog's reconnect does not make the
   * node live, only a read that got through does.
   */
  get stalledSinceRead(): boolean {
    return this.#stalledAt !== undefined && this.#lastReadAt <= this.#stalledAt;
  }

  /** Milliseconds the read in flight has waited (0 when none is). */
  get waitingMs(): number {
    return this.#readSince === undefined ? 0 : Date.now() - this.#readSince;
  }

  #checkStall(): void {
    if (this.#stopped) return;
    const silent = this.waitingMs;
    if (silent <= this.#o.stallTimeoutMs) return;
    this.stalls += 1;
    this.#stalledAt = Date.now();
    this.#readSince = undefined;
    this.#host.stalled(silent);
    this.#link.reconnect();
  }
}
