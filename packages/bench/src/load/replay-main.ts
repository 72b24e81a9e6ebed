/**
 * Replay client child process: a real `@switchboard/client` WSClient subscribed to `bench.#`
 * that the server cuts off (its TCP socket destroyed) while events are published, and that
 * reconnects and resumes on its own. Also runs first-time `subscribe(..., { since })` replays
 * on fresh clients. Everything is timed here, in the process that receives the events.
 */
import { type EventFrame, WSClient } from '@switchboard/client';
import { sleep } from '../clock.ts';
import type { Payload } from '../payload.ts';
import { childConfig, cpuMicros, emit, serve } from '../process/child-runtime.ts';
import { BENCH_PATTERN } from '../targets.ts';
import type {
  ExpectedReplay,
  ReplayClientCommands,
  ReplayClientConfig,
  ReplayRound,
} from './commands.ts';

const config = childConfig<ReplayClientConfig>();

/** Checks one replay as it arrives: exactly the expected events, once each, in order. */
class ReplayCheck {
  events = 0;
  replayFlagged = 0;
  lastAtMs = 0;
  firstAtMs = Number.NaN;
  /** Process CPU (µs) when the last expected event arrived. */
  lastCpuUs = Number.NaN;
  readonly errors: string[] = [];
  #nextSequence = -1;
  #lastOffset = -1;
  #expected: ExpectedReplay | undefined;
  #onComplete: (() => void) | undefined;

  expect(expected: ExpectedReplay, onComplete: () => void): void {
    this.#expected = expected;
    this.#onComplete = onComplete;
    if (this.events >= expected.count) onComplete();
  }

  #error(message: string): void {
    if (this.errors.length < 10) this.errors.push(message);
  }

  see(event: EventFrame): void {
    this.events += 1;
    this.lastAtMs = performance.now();
    if (this.events === 1) this.firstAtMs = this.lastAtMs;
    if (event.replay === true) this.replayFlagged += 1;
    const s = (event.data as Payload).s;
    if (this.#nextSequence !== -1 && s !== this.#nextSequence) {
      this.#error(`payload ${s} where ${this.#nextSequence} was due (event ${this.events})`);
    }
    this.#nextSequence = s + 1;
    if (event.offset <= this.#lastOffset) {
      this.#error(`offset ${event.offset} after ${this.#lastOffset}`);
    }
    this.#lastOffset = event.offset;
    if (this.#expected && this.events === this.#expected.count) {
      this.lastCpuUs = cpuMicros();
      this.#onComplete?.();
    }
  }

  /** Verdict once the replay is complete and extra events had time to show up. */
  verify(first: { s: number; offset: number } | undefined): string[] {
    const expected = this.#expected;
    const errors = [...this.errors];
    if (!expected) return ['nothing expected'];
    if (this.events !== expected.count) {
      errors.unshift(`${this.events} events where ${expected.count} were published`);
    }
    if (first && (first.s !== expected.firstSequence || first.offset !== expected.firstOffset)) {
      errors.push(
        `first event payload ${first.s} offset ${first.offset}, expected ${expected.firstSequence} / ${expected.firstOffset}`,
      );
    }
    if (this.#lastOffset !== expected.lastOffset) {
      errors.push(`last offset ${this.#lastOffset}, expected ${expected.lastOffset}`);
    }
    return errors;
  }
}

function newClient(port: number, reconnect: boolean): WSClient {
  return new WSClient({
    url: `ws://127.0.0.1:${port}`,
    reconnect,
    reconnectIntervalMs: config.reconnectIntervalMs,
    maxReconnectIntervalMs: config.reconnectIntervalMs,
    clientName: '@switchboard/bench replay',
  });
}

function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The resuming client and the state of the current round. */
let client: WSClient | undefined;
let total = 0;
let round:
  | {
      check: ReplayCheck;
      first?: { s: number; offset: number };
      connectedAt?: number;
      connectedCpuUs?: number;
      ackAt?: number;
      outcome?: { recovered: boolean; replayed: number };
      disconnected: Promise<{ willReconnect: boolean }>;
    }
  | undefined;
const totalWaiters: Array<{ count: number; resolve: () => void }> = [];

function started(): WSClient {
  if (!client) throw new Error('not connected');
  return client;
}

serve<ReplayClientCommands>({
  connect: async ({ port }) => {
    const c = newClient(port, true);
    client = c;
    c.on('event', (event) => {
      total += 1;
      if (round?.connectedAt !== undefined) {
        if (round.first === undefined) {
          round.first = { s: (event.data as Payload).s, offset: event.offset };
        }
        round.check.see(event);
      }
      for (let i = totalWaiters.length - 1; i >= 0; i--) {
        if (total >= totalWaiters[i]!.count) totalWaiters.splice(i, 1)[0]!.resolve();
      }
    });
    c.on('connected', () => {
      if (round && round.connectedAt === undefined) {
        round.connectedAt = performance.now();
        round.connectedCpuUs = cpuMicros();
      }
    });
    c.on('subscribed', ({ subscriptions, resubscribe }) => {
      if (!resubscribe || !round || round.connectedAt === undefined) return;
      round.ackAt = performance.now();
      const outcome = subscriptions.find((o) => o.pattern === BENCH_PATTERN);
      if (outcome) round.outcome = { recovered: outcome.recovered, replayed: outcome.replayed };
    });
    c.on('error', (error) => process.stderr.write(`[replay client] ${error.message}\n`));
    await c.connect();
    await c.subscribe(BENCH_PATTERN);
    return { connectionId: c.connectionId ?? '' };
  },
  waitEvents: async ({ count, timeoutMs }) => {
    if (total < count) {
      await within(
        new Promise<void>((resolve) => totalWaiters.push({ count, resolve })),
        timeoutMs,
        `${count} events`,
      );
    }
    return { events: total };
  },
  arm: () => {
    const c = started();
    const disconnected = new Promise<{ willReconnect: boolean }>((resolve) => {
      const off = c.listen('disconnected', ({ willReconnect }) => {
        off();
        resolve({ willReconnect });
      });
    });
    round = { check: new ReplayCheck(), disconnected };
    return { connectionId: c.connectionId ?? '' };
  },
  awaitDisconnect: async ({ timeoutMs }) => {
    if (!round) throw new Error('not armed');
    return within(round.disconnected, timeoutMs, 'disconnected');
  },
  awaitReplay: async ({ expected, timeoutMs, settleMs }): Promise<ReplayRound> => {
    const current = round;
    if (!current) throw new Error('not armed');
    await within(
      new Promise<void>((resolve) => current.check.expect(expected, resolve)),
      timeoutMs,
      `replay of ${expected.count} events`,
    ).catch(() => {});
    const done = current.check.lastAtMs;
    // Extra events (duplicates, live events after the replay) would arrive by now.
    await sleep(settleMs);
    round = undefined;
    const start = current.connectedAt ?? Number.NaN;
    const errors = current.check.verify(current.first);
    if (current.outcome === undefined) errors.push('no resubscribe ack');
    return {
      ms: done - start,
      firstMs: current.check.firstAtMs - start,
      ackMs: (current.ackAt ?? Number.NaN) - start,
      clientCpuMs: (current.check.lastCpuUs - (current.connectedCpuUs ?? Number.NaN)) / 1000,
      events: current.check.events,
      replayFlagged: current.check.replayFlagged,
      recovered: current.outcome?.recovered ?? false,
      replayed: current.outcome?.replayed ?? 0,
      errors,
      connectionId: started().connectionId ?? '',
    };
  },
  sinceReplay: async ({ port, since, expected, timeoutMs, settleMs }): Promise<ReplayRound> => {
    const fresh = newClient(port, false);
    const check = new ReplayCheck();
    let first: { s: number; offset: number } | undefined;
    fresh.on('event', (event) => {
      first ??= { s: (event.data as Payload).s, offset: event.offset };
      check.see(event);
    });
    try {
      await fresh.connect();
      const complete = new Promise<void>((resolve) => check.expect(expected, resolve));
      const start = performance.now();
      const startCpuUs = cpuMicros();
      let subscribeError: string | undefined;
      const outcomes = await fresh.subscribe(BENCH_PATTERN, { since }).catch((error: unknown) => {
        subscribeError = `subscribe failed after ${check.events} events: ${String(error)}`;
        return [];
      });
      const ackAt = subscribeError === undefined ? performance.now() : Number.NaN;
      await within(complete, timeoutMs, `since-replay of ${expected.count} events`).catch(() => {});
      const done = check.lastAtMs;
      await sleep(settleMs);
      const outcome = outcomes.find((o) => o.pattern === BENCH_PATTERN);
      return {
        ms: done - start,
        firstMs: check.firstAtMs - start,
        ackMs: ackAt - start,
        clientCpuMs: (check.lastCpuUs - startCpuUs) / 1000,
        events: check.events,
        replayFlagged: check.replayFlagged,
        recovered: outcome?.recovered ?? false,
        replayed: outcome?.replayed ?? 0,
        errors: subscribeError ? [subscribeError, ...check.verify(first)] : check.verify(first),
        connectionId: fresh.connectionId ?? '',
      };
    } finally {
      await fresh.disconnect().catch(() => {});
    }
  },
});

emit('ready');
