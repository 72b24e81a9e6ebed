import type { Engine } from '@switchboard/router';

/** What a test asks of the engine it gets. The factory must honour every field it is given. */
export interface EngineTestConfig {
  /** Entries kept in history (an exact bound). */
  historySize: number;
  /** Entries older than this by the engine's clock leave history; `Infinity`: no age bound. */
  historyTtlMs: number;
  /**
   * Bytes of history, by the engine's own measure, beyond which the oldest entries leave
   * (the newest always stays); `Infinity`: no byte bound. Only tests that need capability
   * `historyBytes` set a finite one.
   */
  historyBytes: number;
  /**
   * Bytes of last values kept past their history, by the engine's own measure, beyond which
   * the least recently updated topics lose theirs; `Infinity`: no byte bound. Only tests
   * that need capability `retainedBytes` set a finite one.
   */
  retainedBytes: number;
  /**
   * The clock the engine must use for timestamps and the age bound, in ms since the Unix
   * epoch. Only tests that need capability `clock` set it; otherwise `undefined`.
   */
  now: (() => number) | undefined;
  /** The engine's error reporter: errors thrown by listeners and by the interest go here. */
  onError: (error: unknown) => void;
}

/**
 * The fields of `config` that are engine options under the same names (the memory engine's
 * and RedisEngine's), for a factory to spread into its constructor's options.
 */
export function engineOptions(config: EngineTestConfig) {
  const { historySize, historyTtlMs, historyBytes, retainedBytes, now, onError } = config;
  return { historySize, historyTtlMs, historyBytes, retainedBytes, now, onError };
}

/** Optional abilities; a test that needs one the engine lacks is reported as skipped. */
export interface EngineCapabilities {
  /** The engine takes `config.now` (an injected clock), so age tests need not wait. */
  clock?: boolean;
  /** The engine bounds history by `config.historyBytes`. */
  historyBytes?: boolean;
  /** The engine bounds the last values it keeps past history by `config.retainedBytes`. */
  retainedBytes?: boolean;
}

/** A capability a test may need: a flag of `EngineCapabilities`, or `peer` (the factory's). */
export type Capability = keyof EngineCapabilities | 'peer';

/** How the suite makes engines. */
export interface EngineFactory<E extends Engine = Engine> {
  /**
   * A new engine on a log of its own (empty, with an epoch no other log has), NOT opened:
   * the suite opens it, so that it can test what happens before and during `open()`, and
   * closes it after the test.
   */
  create(config: EngineTestConfig): E | Promise<E>;
  /**
   * Capability `peer`: another instance on the same log as `engine` (a second hub node on
   * the same backend), not opened. Leave it out for an engine with no shared backend.
   */
  peer?(engine: E, config: EngineTestConfig): E | Promise<E>;
  capabilities?: EngineCapabilities;
  /** Runs after each test, once its engines are closed: e.g. deletes the test's keys. */
  cleanup?(): void | Promise<void>;
}

export const DEFAULT_TEST_CONFIG = {
  historySize: 1_000,
  historyTtlMs: Number.POSITIVE_INFINITY,
  historyBytes: Number.POSITIVE_INFINITY,
  retainedBytes: Number.POSITIVE_INFINITY,
  now: undefined,
} as const satisfies Partial<EngineTestConfig>;

const MISSING: Record<Capability, string> = {
  clock: 'the engine takes no injected clock (capabilities.clock)',
  historyBytes: 'the engine does not bound history by bytes (capabilities.historyBytes)',
  retainedBytes: 'the engine does not bound retained values by bytes (capabilities.retainedBytes)',
  peer: 'the factory has no peer(), so the engine has no shared backend',
};

/** Why a test is skipped when the engine lacks `capability`. */
export function missingReason(capability: Capability): string {
  return MISSING[capability];
}

export function hasCapability(factory: EngineFactory, capability: Capability): boolean {
  if (capability === 'peer') return factory.peer !== undefined;
  return factory.capabilities?.[capability] === true;
}
