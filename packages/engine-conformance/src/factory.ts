import type { Engine } from '@switchboard/router';

/** What a test asks of the engine it gets. The factory must honour every field it is given. */
export interface EngineTestConfig {
  /** Entries kept in history (an exact bound). */
  historySize: number;
  /** Entries older than this by the engine's clock leave history; `Infinity`: no age bound. */
  historyTtlMs: number;
  /**
   * The clock the engine must use for timestamps and the age bound, in ms since the Unix
   * epoch. Only tests that need capability `clock` set it; otherwise `undefined`.
   */
  now: (() => number) | undefined;
  /** The engine's error reporter: errors thrown by listeners and by the interest go here. */
  onError: (error: unknown) => void;
}

/** Optional abilities; a test that needs one the engine lacks is reported as skipped. */
export interface EngineCapabilities {
  /** The engine takes `config.now` (an injected clock), so age tests need not wait. */
  clock?: boolean;
}

/** A capability a test may need: `clock` (a flag) or `peer` (the factory's `peer`). */
export type Capability = 'clock' | 'peer';

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
  now: undefined,
} as const satisfies Partial<EngineTestConfig>;

/** Why a test is skipped when the engine lacks `capability`. */
export function missingReason(capability: Capability): string {
  return capability === 'clock'
    ? 'the engine takes no injected clock (capabilities.clock)'
    : 'the factory has no peer(), so the engine has no shared backend';
}

export function hasCapability(factory: EngineFactory, capability: Capability): boolean {
  return capability === 'clock' ? factory.capabilities?.clock === true : factory.peer !== undefined;
}
