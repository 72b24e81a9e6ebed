import { assertTopic, ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol';
import type {
  AppendInput,
  AppendOutcome,
  DeliveryLoss,
  Engine,
  EngineStats,
  EntryListener,
  Interest,
  LogEntry,
  ReadOutcome,
  ReadRequest,
  StreamPosition,
} from '@switchboard/router';
import type Redis from 'ioredis';
import { appendedEntry, decodeEntry, encodePayload } from './codec.ts';
import { type EngineHealth, healthOf } from './health.ts';
import { RedisLink } from './link.ts';
import { Listeners } from './listeners.ts';
import { lastValues, type QueryHost, readLog } from './log-queries.ts';
import {
  type RedisEngineOptions,
  type ResolvedRedisEngineOptions,
  resolveOptions,
} from './options.ts';
import { type EpochChange, type Gap, Reader, type ReaderHost } from './reader.ts';
import { ReplicaWait } from './replica-wait.ts';
import { RunCheck } from './run-check.ts';
import { isStale, LogScripts, type Settled } from './scripts.ts';

export interface RedisEngineEvents {
  /** Entries left Redis before this node delivered them; its listeners never got them. */
  gap: (gap: Gap) => void;
  /** The log was lost (a new epoch); delivery restarts at its offset 1. */
  'epoch-changed': (change: EpochChange) => void;
  /** The watchdog found the reader silent for `silentMs` and reconnected it. */
  stalled: (info: { silentMs: number }) => void;
}

/**
 * An `Engine` on Redis Streams: every node with the same URL and `keyPrefix` shares one
 * log. Offsets, sequence numbers, epoch, dedupe and retained values are assigned in one Lua
 * script per append; each node delivers from the stream on a connection of its own.
 */
export class RedisEngine extends TypedEmitter<RedisEngineEvents> implements Engine {
  readonly keyPrefix: string;
  readonly #o: ResolvedRedisEngineOptions;
  readonly #scripts: LogScripts;
  readonly #listeners = new Listeners();
  #lossListeners: readonly ((loss: DeliveryLoss) => void)[] = [];
  readonly #runs: RunCheck;
  #command: RedisLink | undefined;
  #readerLink: RedisLink | undefined;
  #reader: Reader | undefined;
  #readerId: number | undefined;
  #wait: ReplicaWait | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  #held = 0;
  #historyBytes = 0;
  #retainedBytes = 0;
  #topics = 0;
  #appended = 0;
  #duplicates = 0;
  #pruned = 0;

  constructor(options: RedisEngineOptions = {}) {
    super();
    this.#o = resolveOptions(options);
    this.keyPrefix = this.#o.keyPrefix;
    this.#scripts = new LogScripts(this.#o);
    this.#runs = new RunCheck(this.#scripts, this.#o.restartPolicy, this.#o.onError, () =>
      this.#reader ? { epoch: this.#reader.epoch, offset: this.#reader.logHead } : undefined,
    );
  }

  get epoch(): string {
    return this.#started().epoch;
  }

  open(): Promise<void> {
    if (this.#closed) return Promise.reject(shuttingDown());
    if (this.#reader !== undefined) return Promise.resolve();
    this.#opening ??= this.#connect().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async append(input: AppendInput): Promise<AppendOutcome> {
    const reader = this.#usable();
    assertTopic(input.topic);
    if (typeof input.id !== 'string' || input.id.length === 0) {
      throw invalid('Message id must be a non-empty string', 'id');
    }
    if (input.timestamp !== undefined && !Number.isFinite(input.timestamp)) {
      throw invalid('timestamp must be a finite number', 'timestamp');
    }
    const timestamp = input.timestamp ?? this.#o.now();
    let payload: string;
    try {
      payload = encodePayload(input, timestamp);
    } catch (error) {
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, 'data must be JSON-serializable', {
        cause: error,
        details: { field: 'data' },
      });
    }
    const key = input.dedupeKey ?? input.id;
    let sent = 0;
    const reply = await this.#run((client, run) => {
      sent = this.#wait?.sending() ?? 0;
      return this.#scripts.append(client, run, key, input.topic, payload);
    });
    this.#settled(reply, reply.epoch);
    let outcome: AppendOutcome;
    if (reply.duplicate) {
      this.#duplicates += 1;
      outcome = { duplicate: true, entry: decodeEntry(reply.original, reply.epoch) };
    } else {
      this.#appended += 1;
      reader.saw(reply.epoch, reply.offset);
      outcome = { duplicate: false, entry: appendedEntry(input, timestamp, reply, reply.epoch) };
    }
    if (reply.epoch !== reader.epoch) this.#poke();
    await this.#wait?.confirm(sent, outcome.entry.offset);
    return outcome;
  }

  async read(request: ReadRequest): Promise<ReadOutcome> {
    return readLog(this.#queryHost(), request);
  }

  async lastValues(pattern: string, limit: number): Promise<LogEntry[]> {
    return lastValues(this.#queryHost(), pattern, limit);
  }

  onEntry(listener: EntryListener): () => void {
    if (this.#closed) return () => {};
    return this.#listeners.add(listener);
  }

  /**
   * The router's way to hear of gaps and epoch changes in delivery order (the `gap` and
   * `epoch-changed` events carry the same, for applications).
   */
  onLoss(listener: (loss: DeliveryLoss) => void): () => void {
    if (this.#closed) return () => {};
    const registration = (loss: DeliveryLoss) => listener(loss);
    this.#lossListeners = [...this.#lossListeners, registration];
    return () => {
      this.#lossListeners = this.#lossListeners.filter((l) => l !== registration);
    };
  }

  /**
   * Accepted for the contract; this engine needs nothing from it. It delivers every entry
   * (one stream per log: each node reads all of it anyway), and Redis keeps the state of
   * the `maxRetainedTopics` most recently updated topics beyond history whether or not any
   * node's interest matches them (see the README, "Retained values").
   */
  setInterest(_interest: Interest): void {}

  head(): StreamPosition {
    const reader = this.#started();
    return { epoch: reader.epoch, offset: reader.head };
  }

  stats(): EngineStats {
    const reader = this.#started();
    return {
      epoch: reader.epoch,
      head: reader.head,
      historySize: this.#held,
      historyBytes: this.#historyBytes,
      retainedBytes: this.#retainedBytes,
      topics: this.#topics,
      appended: this.#appended,
      duplicates: this.#duplicates,
      pruned: this.#pruned,
    };
  }

  /** Whether this node is receiving: see the README, "Health". */
  health(): EngineHealth {
    return healthOf({
      closed: this.#closed,
      reader: this.#reader,
      links: [this.#command, this.#readerLink],
      stallTimeoutMs: this.#o.stallTimeoutMs,
    });
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#listeners.clear();
    this.#lossListeners = [];
    this.#reader?.stop();
    this.#closing = (async () => {
      await this.#opening?.catch(() => {});
      await Promise.all([this.#readerLink?.close(false), this.#command?.close(true)]);
    })();
    return this.#closing;
  }

  async #connect(): Promise<void> {
    const o = this.#o;
    const handshake = (client: Redis) => this.#runs.check(client);
    const command = this.#link('command', o.commandTimeoutMs, handshake);
    const readerLink = this.#link('reader', undefined, async (client) => {
      await handshake(client);
      this.#readerId = Number(await client.call('CLIENT', 'ID'));
    });
    try {
      await Promise.all([command.connect(), readerLink.connect()]);
      if (this.#closed) throw shuttingDown();
      // Entries appended before this are history; everything after is delivered.
      const start = await this.#scripts.peek(command.client, this.#runs.run);
      if (this.#closed) throw shuttingDown();
      this.#command = command;
      this.#readerLink = readerLink;
      if (o.durability === 'wait') {
        this.#wait = new ReplicaWait(command.client, o.waitReplicas, o.waitTimeoutMs);
      }
      this.#reader = new Reader(readerLink, this.#scripts, this.#readerHost(), start, {
        streamKey: this.#scripts.keys[0]!,
        blockMs: o.blockMs,
        readBatch: o.readBatch,
        stallTimeoutMs: o.stallTimeoutMs,
      });
      this.#reader.start();
    } catch (error) {
      await Promise.all([command.close(false), readerLink.close(false)]);
      if (error instanceof SwitchboardError) throw error;
      throw new SwitchboardError(ErrorCode.NOT_CONNECTED, `Redis: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  #link(
    role: string,
    commandTimeoutMs: number | undefined,
    handshake: (c: Redis) => Promise<void>,
  ) {
    const o = this.#o;
    return new RedisLink({
      url: o.url,
      name: `switchboard:${o.keyPrefix}:${role}`,
      connectTimeoutMs: o.connectTimeoutMs,
      commandTimeoutMs,
      redisOptions: o.redisOptions,
      handshake,
      onTrouble: (error) =>
        o.onError(
          new SwitchboardError(
            ErrorCode.NOT_CONNECTED,
            `Redis ${role} connection: ${describe(error)}`,
            {
              cause: error,
            },
          ),
        ),
    });
  }

  #readerHost(): ReaderHost {
    const report = (message: string, details: Record<string, unknown>) =>
      this.#o.onError(new SwitchboardError(ErrorCode.INTERNAL_ERROR, message, { details }));
    return {
      run: () => this.#runs.run,
      recheck: (client) => this.#runs.recheck(client),
      deliver: (entry) => this.#listeners.deliver(entry, () => !this.#closed, this.#o.onError),
      gap: (gap) => {
        this.#lost({ kind: 'gap', ...gap });
        this.emit('gap', gap);
        report(
          `RedisEngine: offsets ${gap.from}..${gap.to} left Redis history before this node delivered them; its clients missed them`,
          { reason: 'gap', ...gap },
        );
      },
      epochChanged: (change) => {
        this.#lost({ kind: 'epoch-changed', ...change });
        this.emit('epoch-changed', change);
        report(
          `RedisEngine: the log's history was lost (epoch ${change.previous} is now ${change.epoch}); clients resuming from the old epoch get recovered: false`,
          { reason: 'epoch-changed', ...change },
        );
      },
      stalled: (silentMs) => {
        this.emit('stalled', { silentMs });
        report(`RedisEngine: no read returned for ${silentMs} ms; reconnecting the reader`, {
          reason: 'stalled',
          silentMs,
        });
      },
      unblock: () => this.#poke(),
      error: (error) => this.#o.onError(error),
    };
  }

  #lost(loss: DeliveryLoss): void {
    for (const listener of this.#lossListeners) {
      if (this.#closed) return;
      try {
        listener(loss);
      } catch (error) {
        this.#o.onError(error);
      }
    }
  }

  #queryHost(): QueryHost {
    this.#usable();
    return {
      scripts: this.#scripts,
      epoch: () => this.#started().epoch,
      command: (call) => this.#run(call),
      otherEpoch: () => this.#poke(),
      settled: (settled, epoch, head) => {
        this.#settled(settled, epoch);
        if (head !== undefined) this.#reader?.saw(epoch, head);
      },
    };
  }

  /** Runs on the command link once it is ready; re-checks the server once when refused. */
  async #run<T>(call: (client: Redis, run: string) => Promise<T>): Promise<T> {
    const link = this.#command!;
    await link.ready(this.#o.commandTimeoutMs);
    try {
      return await call(link.client, this.#runs.run);
    } catch (error) {
      if (!isStale(error)) throw commandError(error, this.#closed);
      await this.#runs.recheck(link.client);
      return await call(link.client, this.#runs.run).catch((e: unknown) => {
        throw commandError(e, this.#closed);
      });
    }
  }

  #settled(settled: Settled, epoch: string): void {
    if (this.#reader !== undefined && epoch !== this.#reader.epoch) return;
    this.#held = settled.held;
    this.#historyBytes = settled.historyBytes;
    this.#retainedBytes = settled.retainedBytes;
    this.#topics = settled.topics;
    this.#pruned += settled.pruned;
  }

  /** Ends the reader's blocking read now, so it checks the epoch without waiting blockMs. */
  #poke(): void {
    if (this.#readerId === undefined || this.#command?.isReady !== true) return;
    this.#command.client.call('CLIENT', 'UNBLOCK', this.#readerId).catch(() => {});
  }

  #started(): Reader {
    if (this.#reader === undefined) {
      throw new SwitchboardError(ErrorCode.NOT_CONNECTED, 'RedisEngine is not open yet');
    }
    return this.#reader;
  }

  #usable(): Reader {
    if (this.#closed) throw shuttingDown();
    return this.#started();
  }
}

function shuttingDown(): SwitchboardError {
  return new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'RedisEngine is closed');
}

function invalid(message: string, field: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.INVALID_MESSAGE, message, { details: { field } });
}

function commandError(error: unknown, closed: boolean): unknown {
  if (error instanceof SwitchboardError || error instanceof TypeError) return error;
  if (closed) return shuttingDown();
  if (error instanceof Error && error.name === 'ReplyError') {
    // Redis answered with an error: not a connection problem.
    return new SwitchboardError(ErrorCode.INTERNAL_ERROR, `Redis: ${error.message}`, {
      cause: error,
    });
  }
  const message = `Redis command failed: ${describe(error)}; a retried append with the same id is recognised as a duplicate`;
  return new SwitchboardError(ErrorCode.NOT_CONNECTED, message, { cause: error });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
