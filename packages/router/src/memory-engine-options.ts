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
   * Message ids remembered for duplicate detection, counted in messages. At least
   * `historySize`, so that everything still in history is also recognised as a duplicate.
   * @default historySize
   */
  dedupeWindow?: number;
  /**
   * Topics kept after their last entry left history, because `isTopicInUse` says they are
   * still subscribed; their retained value and sequence counter survive. Past this bound the
   * least recently updated go first.
   * @default 100_000
   */
  maxRetainedTopics?: number;
  /**
   * Whether anyone still cares about a topic; the server passes "has a matching subscriber".
   * A topic with no entries in history that is not in use is pruned: its counter and
   * retained value are dropped (see README, "Sequence numbers after pruning").
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
   * Receives errors thrown by `onEntry` listeners and by `isTopicInUse`. They never fail
   * an append: the entry is stored by then.
   * @default logs with console.error
   */
  onError?: (error: unknown) => void;
}

export const MEMORY_ENGINE_DEFAULTS = {
  historySize: 10_000,
  historyTtlMs: 5 * 60_000,
  maxRetainedTopics: 100_000,
  prunedTopicsFilterBytes: 1 << 20,
  now: Date.now,
  isTopicInUse: (_topic: string): boolean => false,
  onError: (error: unknown): void => console.error('[switchboard/router]', error),
} as const;

/** Options with defaults applied and checked. */
export type ResolvedMemoryEngineOptions = Required<MemoryEngineOptions>;

/** Merges the defaults once and throws a TypeError naming any bad or conflicting option. */
export function resolveOptions(options: MemoryEngineOptions): ResolvedMemoryEngineOptions {
  const o = { ...MEMORY_ENGINE_DEFAULTS, ...definedOnly(options) };
  positiveInteger(o.historySize, 'historySize');
  if (!(o.historyTtlMs > 0)) throw new TypeError('historyTtlMs must be a positive number');
  const dedupeWindow = options.dedupeWindow ?? o.historySize;
  positiveInteger(dedupeWindow, 'dedupeWindow');
  if (dedupeWindow < o.historySize) {
    throw new TypeError(
      `dedupeWindow (${dedupeWindow}) must be at least historySize (${o.historySize}): ` +
        'a retried publish still in history would otherwise be appended twice',
    );
  }
  if (!Number.isInteger(o.maxRetainedTopics) || o.maxRetainedTopics < 0) {
    throw new TypeError('maxRetainedTopics must be a non-negative integer');
  }
  positiveInteger(o.prunedTopicsFilterBytes, 'prunedTopicsFilterBytes');
  const epoch = options.epoch ?? newEpoch();
  assertEpoch(epoch);
  return { ...o, dedupeWindow, epoch };
}

function positiveInteger(value: number, option: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${option} must be a positive integer`);
  }
}

/** `{ ...defaults, ...options }` must not let an explicit `undefined` erase a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
