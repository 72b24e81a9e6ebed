/**
 * Publisher child process. Two drives:
 * - closed loop (fan-out saturation): keep `window` publishes in flight, a publish counting
 *   as done once the slowest subscriber has it (the orchestrator relays subscriber progress),
 *   so the server is kept busy without queues growing without bound; publishes leave in
 *   bursts, so a server that coalesces per tick sees several at once, as under many publishers;
 * - paced (latency): publish k at t0 + k * interval whatever happens, stamping the scheduled
 *   time in the payload, so a stalled server shows up as latency (no coordinated omission).
 */
import { createHistogram } from 'node:perf_hooks';
import { nowUs } from '../clock.ts';
import { childConfig, cpuMicros, emit, serve } from '../process/child-runtime.ts';
import type {
  FloodArgs,
  FloodResult,
  PacedResult,
  PublisherCommands,
  PublisherConfig,
} from './commands.ts';
import { connectPublisher, type LoadPublisher } from './publishers.ts';

const config = childConfig<PublisherConfig>();
let publisher: LoadPublisher | undefined;
let sequence = 0;

const loop = { running: false, window: 0, burst: 1, done: 0 };
/** Set by `stop`: a paced run in progress ends at its next tick. */
let pacedStopped = false;

function pump(): void {
  if (!loop.running || !publisher) return;
  while (loop.window - (sequence - loop.done) >= loop.burst) {
    const now = nowUs();
    for (let i = 0; i < loop.burst; i++) publisher.publish(sequence++, now);
  }
}

function paced(t0Us: number, intervalUs: number, count: number): Promise<PacedResult> {
  const lag = createHistogram();
  pacedStopped = false;
  return new Promise((resolve) => {
    let k = 0;
    const tick = () => {
      const now = nowUs();
      while (k < count && !pacedStopped) {
        const scheduled = Math.round(t0Us + k * intervalUs);
        if (scheduled > now) break;
        publisher!.publish(sequence++, scheduled);
        lag.record(Math.max(1, now - scheduled));
        k += 1;
      }
      if (k >= count || pacedStopped) {
        resolve({
          sent: k,
          lagP50Us: lag.percentile(50),
          lagP99Us: lag.percentile(99),
          lagMaxUs: lag.max,
        });
        return;
      }
      const waitMs = (t0Us + k * intervalUs - nowUs()) / 1000;
      // Timers fire late by up to a millisecond; sleep a little short of the next slot.
      setTimeout(tick, Math.max(0, waitMs - 1));
    };
    tick();
  });
}

/** Writes publishes whenever the socket has room, for `durationMs`; then waits for acks. */
async function flood({ durationMs, maxBufferedBytes, settleMs }: FloodArgs): Promise<FloodResult> {
  const target = publisher!;
  const started = performance.now();
  const end = started + durationMs;
  while (performance.now() < end) {
    const now = nowUs();
    while (target.buffered() < maxBufferedBytes) target.publish(sequence++, now);
    // Let the socket drain and the acks in.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  const deadline = performance.now() + settleMs;
  while (performance.now() < deadline) {
    const totals = target.totals();
    if (totals.acked + totals.errors >= totals.sent) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ...target.totals(), seconds };
}

serve<PublisherCommands>(
  {
    connect: async ({ port }) => {
      publisher = await connectPublisher(config.target, port);
      return null;
    },
    closedLoop: ({ window, burst }) => {
      loop.running = true;
      loop.window = window;
      loop.burst = Math.max(1, Math.min(burst, window));
      loop.done = sequence;
      pump();
      return null;
    },
    stop: () => {
      loop.running = false;
      pacedStopped = true;
      return publisher!.totals();
    },
    paced: ({ t0Us, intervalUs, count }) => paced(t0Us, intervalUs, count),
    flood,
    mark: () => ({ hrUs: nowUs(), cpuUs: cpuMicros(), total: sequence }),
    totals: () => publisher!.totals(),
  },
  {
    progress: (args: { min: number }) => {
      if (args.min > loop.done) loop.done = args.min;
      pump();
    },
  },
);

emit('ready');
