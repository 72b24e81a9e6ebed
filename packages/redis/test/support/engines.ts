import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { LogEntry } from '@switchboard/router';
import { expect, vi } from 'vitest';
import { RedisEngine, type RedisEngineOptions } from '../../src/index.ts';
import { deleteLogs, REDIS_URL, testPrefix } from './redis-service.ts';

/** Engines of one test file: `make()` them, `closeAll()` in afterEach (keys deleted too). */
export function engineFixture() {
  const made: { engine: RedisEngine; url: string }[] = [];
  return {
    /** A new engine, not opened; its errors are collected instead of logged. */
    make(options: RedisEngineOptions = {}) {
      const errors: unknown[] = [];
      const url = options.url ?? REDIS_URL;
      const engine = new RedisEngine({
        keyPrefix: testPrefix(),
        onError: (error) => errors.push(error),
        ...options,
        url,
      });
      made.push({ engine, url });
      return { engine, errors };
    },
    /** Another node on the log of `engine`. */
    peer(engine: RedisEngine, options: RedisEngineOptions = {}) {
      return this.make({ ...options, keyPrefix: engine.keyPrefix });
    },
    async closeAll(keysAt: string[] = [REDIS_URL]) {
      const closing = made.splice(0);
      await Promise.all(closing.map(({ engine }) => engine.close()));
      const prefixes = new Set(closing.map(({ engine }) => engine.keyPrefix));
      for (const url of keysAt) await deleteLogs(prefixes, url).catch(() => {});
    },
  };
}

/** What one listener got. */
export function record(engine: RedisEngine) {
  const entries: LogEntry[] = [];
  engine.onEntry((entry) => entries.push(entry));
  return {
    entries,
    offsets: () => entries.map((entry) => entry.offset),
    until: (done: (entries: readonly LogEntry[]) => boolean, timeout = 15_000) =>
      vi.waitFor(
        () => {
          if (!done(entries)) throw new Error(`still waiting; ${entries.length} delivered`);
        },
        { timeout, interval: 10 },
      ),
  };
}

/** Waits until `check` holds (asynchronous engine state). */
export function eventually(check: () => void, timeout = 15_000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 10 });
}

/** Only connection trouble (reconnects) among the reported errors. */
export function expectOnlyConnectionTrouble(errors: unknown[]): void {
  for (const error of errors) {
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCode.NOT_CONNECTED);
  }
}

/** The `reason` in the details of the reported errors. */
export function reasons(errors: unknown[]): unknown[] {
  return errors
    .filter((error): error is SwitchboardError => error instanceof SwitchboardError)
    .map((error) => error.details?.reason)
    .filter((reason) => reason !== undefined);
}

/** The integers from `first` to `last`. */
export function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}
