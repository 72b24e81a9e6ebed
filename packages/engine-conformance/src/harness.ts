import { SwitchboardError } from '@switchboard/protocol';
import type { AppendOutcome, Engine, LogEntry } from '@switchboard/router';
import { expect, it, vi } from 'vitest';
import {
  type Capability,
  DEFAULT_TEST_CONFIG,
  type EngineFactory,
  type EngineTestConfig,
  hasCapability,
  missingReason,
} from './factory.ts';

/** What a test may set; the rest comes from `DEFAULT_TEST_CONFIG`. */
export type ConfigOverrides = Partial<Omit<EngineTestConfig, 'onError'>>;

/** How long the suite waits for an asynchronous engine to deliver. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * One `describeEngine` run: makes the engines a test asks for, closes them after it, and
 * fails the test when an engine reported an error the test did not expect.
 */
export class Harness {
  readonly #factory: EngineFactory;
  #engines: Engine[] = [];
  readonly #configs = new WeakMap<Engine, EngineTestConfig>();
  #errors: unknown[] = [];
  /** Names of the tests registered as skipped, with the capability they need. */
  readonly skipped: { test: string; capability: Capability }[] = [];

  constructor(factory: EngineFactory) {
    this.#factory = factory;
  }

  /** Registers a test, or a visibly skipped one when the engine lacks a capability. */
  test(name: string, body: () => Promise<void>, needs: readonly Capability[] = []): void {
    const missing = needs.find((capability) => !hasCapability(this.#factory, capability));
    if (missing === undefined) {
      it(name, body);
      return;
    }
    this.skipped.push({ test: name, capability: missing });
    it.skip(`${name} [skipped: needs "${missing}": ${missingReason(missing)}]`, body);
  }

  /** A new engine with its own log, not opened. */
  async create(overrides: ConfigOverrides = {}): Promise<Engine> {
    const config: EngineTestConfig = {
      ...DEFAULT_TEST_CONFIG,
      ...overrides,
      onError: (error) => this.#errors.push(error),
    };
    const engine = await this.#factory.create(config);
    this.#track(engine, config);
    return engine;
  }

  /** A new, opened engine with its own log. */
  async open(overrides: ConfigOverrides = {}): Promise<Engine> {
    const engine = await this.create(overrides);
    await engine.open();
    return engine;
  }

  /** Another opened instance on `engine`'s log (capability `peer`). */
  async peerOf(engine: Engine): Promise<Engine> {
    const config = this.#configs.get(engine);
    if (this.#factory.peer === undefined || config === undefined) {
      throw new Error('peerOf() needs capability "peer" and an engine this harness made');
    }
    const peer = await this.#factory.peer(engine, config);
    this.#track(peer, config);
    await peer.open();
    return peer;
  }

  /** Errors the engines reported so far; taking them tells teardown they were expected. */
  takeErrors(): unknown[] {
    const errors = this.#errors;
    this.#errors = [];
    return errors;
  }

  /** Closes every engine of the test (newest first), then checks no error went unseen. */
  async teardown(): Promise<void> {
    const engines = this.#engines.reverse();
    this.#engines = [];
    for (const engine of engines) await engine.close();
    await this.#factory.cleanup?.();
    expect(this.takeErrors(), 'errors the engine reported to onError').toEqual([]);
  }

  #track(engine: Engine, config: EngineTestConfig): void {
    this.#engines.push(engine);
    this.#configs.set(engine, config);
  }
}

/** What one listener got, and a way to wait for more. */
export interface Collector {
  readonly entries: LogEntry[];
  offsets(): number[];
  topics(): string[];
  /** Resolves once `done` holds for the entries so far (asynchronous engines deliver later). */
  until(done: (entries: readonly LogEntry[]) => boolean): Promise<void>;
  /** Resolves once at least `count` entries arrived. */
  count(count: number): Promise<void>;
  stop(): void;
}

export function collect(engine: Engine): Collector {
  const entries: LogEntry[] = [];
  const stop = engine.onEntry((entry) => entries.push(entry));
  const until = (done: (entries: readonly LogEntry[]) => boolean) =>
    vi.waitFor(
      () => {
        if (!done(entries)) throw new Error(`still waiting; delivered so far: ${entries.length}`);
      },
      { timeout: DELIVERY_TIMEOUT_MS, interval: 5 },
    );
  return {
    entries,
    offsets: () => entries.map((entry) => entry.offset),
    topics: () => entries.map((entry) => entry.topic),
    until,
    count: (count) => until((got) => got.length >= count),
    stop,
  };
}

/** Waits until the engine has delivered up to `offset` (head() is asynchronous in a cluster). */
export function headReaches(engine: Engine, offset: number): Promise<void> {
  return vi.waitFor(() => expect(engine.head().offset).toBeGreaterThanOrEqual(offset), {
    timeout: DELIVERY_TIMEOUT_MS,
    interval: 5,
  });
}

let nextId = 0;

/** Appends with a fresh id. */
export function publish(engine: Engine, topic: string, data: unknown = null) {
  return engine.append({ id: `m${++nextId}`, topic, data });
}

/**
 * Appends and waits until the engine delivered the entry: with a small history an
 * asynchronous engine must deliver each entry before later appends trim it, or it reports
 * a gap.
 */
export async function publishDelivered(engine: Engine, topic: string, data: unknown = null) {
  const outcome = await publish(engine, topic, data);
  await headReaches(engine, outcome.entry.offset);
  return outcome;
}

/** Appends many at once, without waiting between them. */
export function publishAll(engine: Engine, topics: readonly string[]): Promise<AppendOutcome[]> {
  return Promise.all(topics.map((topic) => publish(engine, topic)));
}

export async function rejection(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  return error as SwitchboardError;
}

/** The integers from `first` to `last`, both included (empty when `last < first`). */
export function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Lets timers and I/O run, so an asynchronous engine makes progress between appends. */
export function yieldToEngine(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
