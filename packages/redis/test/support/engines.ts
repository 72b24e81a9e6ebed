import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { LogEntry } from '@switchboard/router';
import { expect, vi } from 'vitest';
import { RedisEngine, type RedisEngineOptions } from '../../src/index.ts';
import { RedisProcess } from './redis-process.ts';
import { deleteLogs, REDIS_URL, testPrefix } from './redis-service.ts';

/**
 * Engines (and redis-server processes) of one test file: `make()` them, `closeAll()` in
 * afterEach: engines closed, their keys on the shared Redis deleted, owned servers stopped.
 */
export function engineFixture() {
  const made: { engine: RedisEngine; url: string }[] = [];
  const servers: RedisProcess[] = [];
  return {
    /** A redis-server of this test's own (see `RedisProcess`). */
    async startServer(args: string[], port?: number): Promise<RedisProcess> {
      const server = await RedisProcess.start(args, port);
      servers.push(server);
      return server;
    },
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
    /** Opens a node and a second one on its log. */
    async openPair(options: RedisEngineOptions = {}, peerOptions: RedisEngineOptions = {}) {
      const first = this.make(options);
      await first.engine.open();
      const second = this.peer(first.engine, peerOptions);
      await second.engine.open();
      return { a: first.engine, errors: first.errors, b: second.engine };
    },
    async closeAll() {
      const closing = made.splice(0);
      await Promise.all(closing.map(({ engine }) => engine.close()));
      // Logs on owned servers go with them; the rest are on the shared Redis (directly or
      // through a proxy).
      const owned = new Set(servers.map((server) => server.url));
      const shared = closing.filter(({ url }) => !owned.has(url));
      await deleteLogs(new Set(shared.map(({ engine }) => engine.keyPrefix))).catch(() => {});
      for (const server of servers.splice(0)) await server.stop();
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
