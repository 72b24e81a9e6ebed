import {
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkNumber,
  checkOneOf,
  checkType,
  withDefaults,
} from '@switchboard/protocol';
import type { RedisOptions } from 'ioredis';

/** When `append` resolves; see the README, "What an ack means". */
export type Durability = 'none' | 'wait';

/** What a node does when the Redis server process behind the log changed (restart, failover). */
export type RestartPolicy = 'verify' | 'trust' | 'reset';

export interface RedisEngineOptions {
  /**
   * The Redis server, `redis://[user:password@]host:port[/db]` or `rediss://` for TLS.
   * @default process.env.REDIS_URL, else 'redis://127.0.0.1:6379'
   */
  url?: string;
  /**
   * Names this hub's log: every key is `{keyPrefix}:...` (one hash slot). Nodes with the same
   * URL and prefix share one log.
   * @default 'switchboard'
   */
  keyPrefix?: string;
  /**
   * Entries kept in history, for replay and for idempotent publish (an exact count bound).
   * @default 10_000
   */
  historySize?: number;
  /**
   * Entries older than this (by the appending node's clock) leave history; `Infinity` turns
   * the age bound off.
   * @default 300_000 (5 minutes)
   */
  historyTtlMs?: number;
  /**
   * Bytes of id, topic and serialized data kept in history, beyond which the oldest entries
   * go (the newest always stays); `Infinity` turns the byte bound off.
   * @default 67_108_864 (64 MiB)
   */
  historyBytes?: number;
  /**
   * Topics whose state (sequence counter and last value) is kept after their newest entry
   * left history, least recently updated dropped first.
   * @default 100_000
   */
  maxRetainedTopics?: number;
  /**
   * Bytes of topic and stored value of the last values kept past history, beyond which the
   * least recently updated topics are dropped; a value larger than this on its own is not
   * kept past its history. Without it 100,000 retained values of 1 MiB could take 100 GiB
   * of Redis memory. `Infinity` turns it off.
   * @default 67_108_864 (64 MiB)
   */
  retainedBytes?: number;
  /**
   * Size in Redis of the Bloom filter of dropped topics, so that new topics still start at
   * sequence number 1.
   * @default 1_048_576 (1 MiB)
   */
  prunedTopicsFilterBytes?: number;
  /**
   * `'none'`: `append` resolves when the Redis primary has the entry. `'wait'`: also after
   * `WAIT waitReplicas waitTimeoutMs` confirmed that many replicas have it; it rejects with
   * `TIMEOUT` otherwise (the entry is in the log; a retry with the same id is a duplicate).
   * @default 'none'
   */
  durability?: Durability;
  /**
   * Replicas that must confirm an append with `durability: 'wait'`.
   * @default 1
   */
  waitReplicas?: number;
  /**
   * How long `durability: 'wait'` waits for the replicas.
   * @default 1_000
   */
  waitTimeoutMs?: number;
  /**
   * When the Redis process behind the log changed (its run id did): `'verify'` keeps the
   * epoch only if the server reports `appendonly yes` and `appendfsync always` and still
   * holds every offset this node saw; `'trust'` keeps it whenever the log is there and not
   * behind this node; `'reset'` always starts a new epoch.
   * @default 'verify'
   */
  restartPolicy?: RestartPolicy;
  /**
   * How long one blocking read waits for new entries. It bounds how late a node notices a
   * log that was deleted or flushed without a reconnect.
   * @default 1_000
   */
  blockMs?: number;
  /**
   * Entries fetched per read from the stream (delivery and catch-up).
   * @default 1_000
   */
  readBatch?: number;
  /**
   * The watchdog reconnects the reader when no read returned for this long (a connection
   * that went silent without closing). Larger than `blockMs`.
   * @default 5_000
   */
  stallTimeoutMs?: number;
  /**
   * How long a command (append, read, lastValues) may take, waiting for a reconnect
   * included, before it rejects.
   * @default 5_000
   */
  commandTimeoutMs?: number;
  /**
   * How long `open()` and each reconnect attempt may take to connect.
   * @default 10_000
   */
  connectTimeoutMs?: number;
  /**
   * More ioredis options (TLS, sentinels are not supported here). The engine sets its own
   * queueing, retry, naming and timeout options over these.
   * @default {}
   */
  redisOptions?: RedisOptions;
  /**
   * Clock in milliseconds since the Unix epoch, for timestamps and the age bound; tests pass
   * a fake one. Nodes of one log should have clocks in step.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Receives errors thrown by `onEntry` listeners, gaps, epoch changes and connection
   * trouble (once per outage).
   * @default logs with console.error
   */
  onError?: (error: unknown) => void;
}

export const REDIS_ENGINE_DEFAULTS = {
  keyPrefix: 'switchboard',
  historySize: 10_000,
  historyTtlMs: 5 * 60_000,
  historyBytes: 64 * 1024 * 1024,
  maxRetainedTopics: 100_000,
  retainedBytes: 64 * 1024 * 1024,
  prunedTopicsFilterBytes: 1 << 20,
  durability: 'none' as Durability,
  waitReplicas: 1,
  waitTimeoutMs: 1_000,
  restartPolicy: 'verify' as RestartPolicy,
  blockMs: 1_000,
  readBatch: 1_000,
  stallTimeoutMs: 5_000,
  commandTimeoutMs: 5_000,
  connectTimeoutMs: 10_000,
  redisOptions: {} as RedisOptions,
  now: Date.now,
  onError: (error: unknown): void => console.error('[switchboard/redis]', error),
} as const satisfies Omit<RedisEngineOptions, 'url'>;

export type ResolvedRedisEngineOptions = Required<RedisEngineOptions>;

const OWNER = 'RedisEngine';

const KNOWN_OPTIONS: readonly (keyof RedisEngineOptions)[] = [
  'url',
  'keyPrefix',
  'historySize',
  'historyTtlMs',
  'historyBytes',
  'maxRetainedTopics',
  'retainedBytes',
  'prunedTopicsFilterBytes',
  'durability',
  'waitReplicas',
  'waitTimeoutMs',
  'restartPolicy',
  'blockMs',
  'readBatch',
  'stallTimeoutMs',
  'commandTimeoutMs',
  'connectTimeoutMs',
  'redisOptions',
  'now',
  'onError',
];

/** Merges the defaults once and throws a TypeError naming any bad or conflicting option. */
export function resolveOptions(options: RedisEngineOptions): ResolvedRedisEngineOptions {
  checkKnownOptions(OWNER, options, KNOWN_OPTIONS);
  const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const o = withDefaults({ ...REDIS_ENGINE_DEFAULTS, url }, options);
  checkUrl(o.url);
  checkType(OWNER, 'keyPrefix', o.keyPrefix, 'string');
  if (o.keyPrefix.length === 0 || o.keyPrefix.length > 100 || /[{}]/.test(o.keyPrefix)) {
    throw new TypeError(
      `${OWNER} option "keyPrefix" must be 1 to 100 characters without "{" or "}", got ${JSON.stringify(o.keyPrefix)}`,
    );
  }
  checkInteger(OWNER, 'historySize', o.historySize, { min: 1 });
  checkNumber(OWNER, 'historyTtlMs', o.historyTtlMs, { min: 1, infinity: true });
  checkNumber(OWNER, 'historyBytes', o.historyBytes, { min: 1, infinity: true });
  checkInteger(OWNER, 'maxRetainedTopics', o.maxRetainedTopics);
  checkNumber(OWNER, 'retainedBytes', o.retainedBytes, { min: 0, infinity: true });
  checkInteger(OWNER, 'prunedTopicsFilterBytes', o.prunedTopicsFilterBytes, {
    min: 1,
    max: 64 * 1024 * 1024,
  });
  checkOneOf(OWNER, 'durability', o.durability, ['none', 'wait']);
  checkInteger(OWNER, 'waitReplicas', o.waitReplicas, { min: 1 });
  checkDuration(OWNER, 'waitTimeoutMs', o.waitTimeoutMs);
  checkOneOf(OWNER, 'restartPolicy', o.restartPolicy, ['verify', 'trust', 'reset']);
  checkDuration(OWNER, 'blockMs', o.blockMs);
  checkInteger(OWNER, 'readBatch', o.readBatch, { min: 1 });
  checkDuration(OWNER, 'stallTimeoutMs', o.stallTimeoutMs);
  if (o.stallTimeoutMs <= o.blockMs) {
    throw new TypeError(
      `${OWNER} options conflict: stallTimeoutMs (${o.stallTimeoutMs}) must be larger than blockMs (${o.blockMs}): an idle reader returns every blockMs, and the watchdog would cut it`,
    );
  }
  checkDuration(OWNER, 'commandTimeoutMs', o.commandTimeoutMs);
  checkDuration(OWNER, 'connectTimeoutMs', o.connectTimeoutMs);
  if (o.durability === 'wait' && o.waitTimeoutMs >= o.commandTimeoutMs) {
    throw new TypeError(
      `${OWNER} options conflict: waitTimeoutMs (${o.waitTimeoutMs}) must be smaller than commandTimeoutMs (${o.commandTimeoutMs}): WAIT runs on the command connection, whose timeout would cut it`,
    );
  }
  checkType(OWNER, 'redisOptions', o.redisOptions, 'object');
  checkType(OWNER, 'now', o.now, 'function');
  checkType(OWNER, 'onError', o.onError, 'function');
  return o;
}

function checkUrl(url: unknown): void {
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    const shown =
      typeof url === 'string' ? JSON.stringify(url.replace(/:[^:@/]*@/, ':***@')) : String(url);
    throw new TypeError(`${OWNER} option "url" must be a redis:// or rediss:// URL, got ${shown}`);
  }
}
