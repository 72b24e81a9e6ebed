import {
  checkInteger,
  checkKnownOptions,
  checkNumber,
  checkType,
  withDefaults,
} from '@switchboard/protocol';
import { assertEpoch, newEpoch } from './epoch.ts';

export interface MemoryEngineOptions {
  /**
   * Entries kept in history, for replay on reconnect and for idempotent publish.
   * @default 10_000
   */
  historySize?: number;
  /**
   * Entries older than this (by the engine's clock at append) leave history. `Infinity`
   * turns the age bound off.
   * @default 300_000 (5 minutes)
   */
  historyTtlMs?: number;
  /**
   * Estimated bytes of the entries in history (payload, id, topic and bookkeeping; see the
   * README, "Byte bounds"), beyond which the oldest entries go; the newest entry always
   * stays. The count bound alone lets a client that publishes large payloads fill the heap
   * (10,000 entries of 1 MiB); 64 MiB is RedisEngine's default too, and holds the whole
   * count bound of messages up to ~6 KiB. `Infinity` turns it off.
   * @default 67_108_864 (64 MiB)
   */
  historyBytes?: number;
  /**
   * Estimated bytes of the last values kept for topics whose history is gone (see
   * `maxRetainedTopics`), beyond which the least recently updated topics are pruned; a value
   * larger than this on its own is not kept past its history. 64 MiB holds the
   * `maxRetainedTopics` default of values up to ~400 bytes (a status object) and caps what
   * large ones can take. `Infinity` turns it off.
   * @default 67_108_864 (64 MiB)
   */
  retainedBytes?: number;
  /**
   * Message ids remembered for duplicate detection, counted in messages. At least
   * `historySize`, so that everything still in history is also recognised as a duplicate.
   * An id whose entry left history keeps the entry's position, not its data: about 200
   * bytes plus its key and topic (see the README, "Byte bounds").
   * @default historySize
   */
  dedupeWindow?: number;
  /**
   * Topics kept after their last entry left history, because the interest (`setInterest`,
   * or `isTopicInUse`) says they are still subscribed; their retained value and sequence
   * counter survive. Past this bound the least recently updated go first.
   * @default 100_000
   */
  maxRetainedTopics?: number;
  /**
   * Whether anyone still cares about a topic. A topic with no entries in history that is
   * not in use is pruned: its counter and retained value are dropped (see README, "Sequence
   * numbers after pruning"). `engine.setInterest(index)` replaces it, and works for every
   * engine; this option stays for servers that build the engine themselves.
   * @deprecated Call `engine.setInterest(subscriptionIndex)` instead.
   * @default () => false
   */
  isTopicInUse?: (topic: string) => boolean;
  /**
   * Size of the Bloom filter remembering pruned topics, so that new topics still start at
   * sequence number 1. 1 MiB holds about a million pruned topics at ~2% false positives.
   * @default 1_048_576
   */
  prunedTopicsFilterBytes?: number;
  /**
   * Epoch of this log.
   * @default a random UUID
   */
  epoch?: string;
  /**
   * Clock in milliseconds since the Unix epoch; tests pass a fake one.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Receives errors thrown by `onEntry` listeners and by the interest. They never fail
   * an append: the entry is stored by then.
   * @default logs with console.error
   */
  onError?: (error: unknown) => void;
}

export const MEMORY_ENGINE_DEFAULTS = {
  historySize: 10_000,
  historyTtlMs: 5 * 60_000,
  historyBytes: 64 * 1024 * 1024,
  retainedBytes: 64 * 1024 * 1024,
  maxRetainedTopics: 100_000,
  prunedTopicsFilterBytes: 1 << 20,
  now: Date.now,
  isTopicInUse: (_topic: string): boolean => false,
  onError: (error: unknown): void => console.error('[switchboard/router]', error),
} as const;

/** Options with defaults applied and checked. */
export type ResolvedMemoryEngineOptions = Required<MemoryEngineOptions>;

const OWNER = 'MemoryEngine';

const KNOWN_OPTIONS: readonly (keyof MemoryEngineOptions)[] = [
  'historySize',
  'historyTtlMs',
  'historyBytes',
  'retainedBytes',
  'dedupeWindow',
  'maxRetainedTopics',
  'isTopicInUse',
  'prunedTopicsFilterBytes',
  'epoch',
  'now',
  'onError',
];

/** Merges the defaults once and throws a TypeError naming any bad or conflicting option. */
export function resolveOptions(options: MemoryEngineOptions): ResolvedMemoryEngineOptions {
  checkKnownOptions(OWNER, options, KNOWN_OPTIONS);
  const o = withDefaults(MEMORY_ENGINE_DEFAULTS, options);
  checkInteger(OWNER, 'historySize', o.historySize, { min: 1 });
  checkNumber(OWNER, 'historyTtlMs', o.historyTtlMs, { min: 1, infinity: true });
  checkNumber(OWNER, 'historyBytes', o.historyBytes, { min: 1, infinity: true });
  checkNumber(OWNER, 'retainedBytes', o.retainedBytes, { min: 0, infinity: true });
  const dedupeWindow = o.dedupeWindow ?? o.historySize;
  checkInteger(OWNER, 'dedupeWindow', dedupeWindow, { min: 1 });
  if (dedupeWindow < o.historySize) {
    throw new TypeError(
      `${OWNER} options conflict: dedupeWindow (${dedupeWindow}) must be at least historySize ` +
        `(${o.historySize}): a retried publish still in history would otherwise be appended twice`,
    );
  }
  checkInteger(OWNER, 'maxRetainedTopics', o.maxRetainedTopics);
  checkInteger(OWNER, 'prunedTopicsFilterBytes', o.prunedTopicsFilterBytes, { min: 1 });
  for (const key of ['now', 'isTopicInUse', 'onError'] as const) {
    checkType(OWNER, key, o[key], 'function');
  }
  const epoch = o.epoch ?? newEpoch();
  assertEpoch(epoch, `${OWNER} option "epoch"`);
  return { ...o, dedupeWindow, epoch };
}
