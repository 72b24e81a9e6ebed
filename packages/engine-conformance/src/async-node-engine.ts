import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import {
  type AppendInput,
  type AppendOutcome,
  type Engine,
  type EngineStats,
  type EntryListener,
  type Interest,
  type LogEntry,
  MemoryEngine,
  type ReadOutcome,
  type ReadRequest,
  type StreamPosition,
} from '@switchboard/router';
import { type EngineTestConfig, engineOptions } from './factory.ts';

/**
 * A stand-in for a cluster engine, so that the suite's own run covers what the memory
 * engine cannot: several nodes on one log (capability `peer`), delivery that comes later
 * than the append, delivery filtered by the interest, and an `open()` that takes time. One
 * `MemoryEngine` plays the shared backend; each node takes its entries and hands them to
 * its listeners on a later turn of the event loop, as entries arriving over a network
 * would. Not an engine to use.
 */
export class SharedLog {
  readonly #backend: MemoryEngine;
  /** Each held interest, with what stops forwarding its removals. */
  readonly #interests = new Map<Interest, () => void>();
  readonly #removed = new Set<(pattern: string) => void>();
  #nodes = 0;

  constructor(config: EngineTestConfig) {
    this.#backend = new MemoryEngine(engineOptions(config));
    // The backend keeps what any node's subscribers hold, and hears when that shrinks.
    const interests = this.#interests;
    const removed = this.#removed;
    this.#backend.setInterest({
      hasMatch: (topic) => [...interests.keys()].some((interest) => interest.hasMatch(topic)),
      patterns: () => [...interests.keys()].flatMap((interest) => [...interest.patterns()]),
      listen: (event, listener) => {
        if (event !== 'pattern-removed') return () => {};
        const fn = listener as (pattern: string) => void;
        removed.add(fn);
        return () => removed.delete(fn);
      },
    });
  }

  #patternRemoved(pattern: string): void {
    for (const listener of this.#removed) listener(pattern);
  }

  /** A new node on this log, not opened. */
  node(onError: (error: unknown) => void): AsyncNodeEngine {
    this.#nodes++;
    return new AsyncNodeEngine(this, this.#backend, onError);
  }

  holdInterest(interest: Interest | undefined, held: boolean): void {
    if (interest === undefined) return;
    if (held) {
      if (this.#interests.has(interest)) return;
      const stop = interest.listen('pattern-removed', (pattern) => this.#patternRemoved(pattern));
      this.#interests.set(interest, stop);
      return;
    }
    const stop = this.#interests.get(interest);
    if (stop === undefined) return;
    stop();
    this.#interests.delete(interest);
    // A node's whole interest went away: every pattern it held may now be unmatched.
    for (const pattern of interest.patterns()) this.#patternRemoved(pattern);
  }

  async release(): Promise<void> {
    if (--this.#nodes === 0) await this.#backend.close();
  }
}

export class AsyncNodeEngine implements Engine {
  readonly log: SharedLog;
  readonly #backend: MemoryEngine;
  readonly #onError: (error: unknown) => void;
  #state: 'new' | 'open' | 'closed' = 'new';
  #opening: Promise<void> | undefined;
  #listeners: readonly EntryListener[] = [];
  #queue: LogEntry[] = [];
  #scheduled = false;
  #delivered = 0;
  #stopFeed: (() => void) | undefined;
  #interest: Interest | undefined;
  #appended = 0;
  #duplicates = 0;

  constructor(log: SharedLog, backend: MemoryEngine, onError: (error: unknown) => void) {
    this.log = log;
    this.#backend = backend;
    this.#onError = onError;
  }

  get epoch(): string {
    this.#assertStarted();
    return this.#backend.epoch;
  }

  open(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(closedError());
    this.#opening ??= this.#connect();
    return this.#opening;
  }

  async append(input: AppendInput): Promise<AppendOutcome> {
    this.#assertOpen();
    const outcome = await this.#backend.append(input);
    if (outcome.duplicate) this.#duplicates++;
    else this.#appended++;
    return outcome;
  }

  async read(request: ReadRequest): Promise<ReadOutcome> {
    this.#assertOpen();
    return this.#backend.read(request);
  }

  async lastValues(pattern: string, limit: number): Promise<LogEntry[]> {
    this.#assertOpen();
    return this.#backend.lastValues(pattern, limit);
  }

  onEntry(listener: EntryListener): () => void {
    if (this.#state === 'closed') return () => {};
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  setInterest(interest: Interest): void {
    if (this.#state === 'closed') return;
    this.log.holdInterest(this.#interest, false);
    this.#interest = interest;
    this.log.holdInterest(interest, true);
  }

  head(): StreamPosition {
    this.#assertStarted();
    return { epoch: this.#backend.epoch, offset: this.#delivered };
  }

  stats(): EngineStats {
    this.#assertStarted();
    const shared = this.#backend.stats();
    return {
      ...shared,
      head: this.#delivered,
      appended: this.#appended,
      duplicates: this.#duplicates,
    };
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopFeed?.();
    this.#queue = [];
    this.#listeners = [];
    this.log.holdInterest(this.#interest, false);
    await this.log.release();
  }

  async #connect(): Promise<void> {
    // Connecting takes a turn of the event loop, as a network round trip would.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#state === 'closed') throw closedError();
    this.#delivered = this.#backend.head().offset;
    this.#stopFeed = this.#backend.onEntry((entry) => this.#enqueue(entry));
    this.#state = 'open';
  }

  #enqueue(entry: LogEntry): void {
    this.#queue.push(entry);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    for (const entry of batch) {
      if (this.#isClosed()) return;
      this.#delivered = entry.offset;
      // Like a cluster engine, leave out what no local subscriber holds.
      if (this.#interest !== undefined && !this.#interest.hasMatch(entry.topic)) continue;
      for (const listener of this.#listeners) {
        // A listener may close the engine; the others must not hear from it after that.
        if (this.#isClosed()) return;
        try {
          listener(entry);
        } catch (error) {
          this.#onError(error);
        }
      }
    }
  }

  // A method, not an inline comparison: a listener can close the engine between two checks.
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #assertStarted(): void {
    if (this.#state === 'new') {
      throw new SwitchboardError(ErrorCode.NOT_CONNECTED, 'The engine is not open yet');
    }
  }

  #assertOpen(): void {
    this.#assertStarted();
    if (this.#state === 'closed') throw closedError();
  }
}

function closedError(): SwitchboardError {
  return new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'The engine is closed');
}
