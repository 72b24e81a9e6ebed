import { nowUs, sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import type { SetAsideState, Verification } from '../load/commands.ts';
import { integer, ms, percent } from '../report/format.ts';
import type { LoopDelay, QueueReport, ServerMemory } from '../server/commands.ts';
import { type Marks, Topology } from '../topology.ts';
import { cpuShares, fanOutKey, measureFanOut } from './fanout.ts';

// The measuring half of the slow-consumers scenario: saturation, the two runs and their windows.
// slow-consumers.ts turns the result into the report.
export interface SlowWindow {
  label: string;
  stalled: number;
  seconds: number;
  publishesPerSec: number;
  /** Offered to the healthy subscribers: publishes/s times their number. */
  offeredHealthyPerSec: number;
  healthyDeliveredPerSec: number;
  /** Deliveries/s to the subscribers set aside (stalled in the second run). */
  setAsideDeliveredPerSec: number;
  serverCpu: number;
  loadCpu: number;
  serverCoreOther: number;
  loadCoreOther: number;
  loop: LoopDelay;
  /** `message-dropped` events during the window. */
  droppedEvents: number;
  rssStart: number;
  rss: number;
  heapUsed: number;
  queues: QueueReport;
}

export interface SlowPhase {
  window: SlowWindow;
  /** From the start of publishing to the first `message-dropped` (NaN: none). */
  firstDropAfterMs: number;
  /** `message-dropped` events over the whole run, and the router's own count. */
  droppedEvents: number;
  routerDropped: number;
  /** Server memory after a forced GC at the end, stalled consumers still stalled. */
  afterGc: ServerMemory;
  sent: number;
  /** After the run (and, for stalled subscribers, after they read again). */
  final: SetAsideState;
  problems: string[];
}

export interface SlowConsumersRun {
  subscribers: number;
  stalled: number;
  saturationDeliveriesPerSec: number;
  saturationSource: 'fanout scenario' | 'measured here';
  offeredDeliveriesPerSec: number;
  publishesPerSec: number;
  reference: SlowPhase;
  stalledRun: SlowPhase;
}

function perSec(before: number, after: number, fromUs: number, toUs: number): number {
  return ((after - before) * 1e6) / Math.max(1, toUs - fromUs);
}

function windowFigures(
  label: string,
  stalled: number,
  healthy: number,
  m0: Marks,
  m1: Marks,
  loop: LoopDelay,
  queues: QueueReport,
): SlowWindow {
  let healthyDeliveredPerSec = 0;
  let setAsideDeliveredPerSec = 0;
  m1.subscribers.forEach((after, i) => {
    const before = m0.subscribers[i]!;
    const asideBefore = before.setAside ?? 0;
    const asideAfter = after.setAside ?? 0;
    healthyDeliveredPerSec += perSec(
      before.total - asideBefore,
      after.total - asideAfter,
      before.hrUs,
      after.hrUs,
    );
    setAsideDeliveredPerSec += perSec(asideBefore, asideAfter, before.hrUs, after.hrUs);
  });
  const publishesPerSec =
    m0.publisher && m1.publisher
      ? perSec(m0.publisher.total, m1.publisher.total, m0.publisher.hrUs, m1.publisher.hrUs)
      : 0;
  const counter = (m: Marks) => m.server.counters.droppedEvents ?? 0;
  return {
    label,
    stalled,
    seconds: (m1.orchestrator.hrUs - m0.orchestrator.hrUs) / 1e6,
    publishesPerSec,
    offeredHealthyPerSec: publishesPerSec * healthy,
    healthyDeliveredPerSec,
    setAsideDeliveredPerSec,
    ...cpuShares(m0, m1),
    loop,
    droppedEvents: counter(m1) - counter(m0),
    rssStart: m0.server.rss,
    rss: m1.server.rss,
    heapUsed: m1.server.heapUsed,
    queues,
  };
}

/** Switchboard's deliveries/s at saturation for `subscribers`: from the fan-out scenario, or measured. */
async function saturation(
  ctx: BenchContext,
  subscribers: number,
): Promise<{ value: number; source: SlowConsumersRun['saturationSource'] }> {
  const known = ctx.recall(fanOutKey('switchboard', subscribers, 'deliveriesPerSec'));
  if (known !== undefined) return { value: known, source: 'fanout scenario' };
  ctx.progress(`slow consumers: measuring Switchboard saturation at ${subscribers} subscribers`);
  const run = await measureFanOut(ctx, 'switchboard', subscribers);
  ctx.remember(fanOutKey('switchboard', subscribers, 'deliveriesPerSec'), run.deliveriesPerSec);
  ctx.remember(fanOutKey('switchboard', subscribers, 'perServerCpuSec'), run.perServerCpuSec);
  return { value: run.deliveriesPerSec, source: 'measured here' };
}

function sumStates(states: Verification[]): SetAsideState {
  const final: SetAsideState = {
    subscribers: 0,
    stalled: false,
    min: Number.POSITIVE_INFINITY,
    max: 0,
    dropped: 0,
    healthyMin: Number.POSITIVE_INFINITY,
    healthyMax: 0,
    healthyDropped: 0,
  };
  for (const s of states) {
    const a = s.setAside;
    if (!a) continue;
    final.subscribers += a.subscribers;
    final.stalled ||= a.stalled;
    final.min = Math.min(final.min, a.min);
    final.max = Math.max(final.max, a.max);
    final.dropped += a.dropped;
    final.healthyMin = Math.min(final.healthyMin, a.healthyMin);
    final.healthyMax = Math.max(final.healthyMax, a.healthyMax);
    final.healthyDropped += a.healthyDropped;
  }
  return final;
}

/**
 * One paced run at `publishesPerSec` to `subscribers`, of which `stalled` are set aside: they
 * either read like the others (reference) or stop reading right after their subscribe ack,
 * before anything is published (`stall`), so their kernel buffers stay at their initial size
 * and the hub's queue for them fills, then drops. Measured over one window, once the drops
 * have started.
 */
async function measurePhase(
  ctx: BenchContext,
  publishesPerSec: number,
  stall: boolean,
): Promise<SlowPhase> {
  const cfg = ctx.config.slowConsumers;
  const { subscribers, stalled } = cfg;
  const healthy = subscribers - stalled;
  const name = stall ? `${stalled} stalled` : 'all reading';
  const topology = await Topology.launch({
    target: 'switchboard',
    subscribers,
    publisher: true,
    progressMs: 0,
    switchboard: { queueSize: cfg.queueSize, countDrops: true },
  });
  try {
    const processes = topology.subscriberProcesses;
    await Promise.all(
      processes.map((child, i) =>
        child.call('setAside', {
          count: Math.floor(stalled / processes.length) + (i < stalled % processes.length ? 1 : 0),
        }),
      ),
    );
    if (stall) await Promise.all(processes.map((child) => child.call('stall', null)));
    const server = topology.server;
    await server.call('loopDelay', { resolutionMs: cfg.loopResolutionMs });
    // Long enough for every phase; `stop` ends it once the window is measured.
    const maxSeconds = (cfg.warmupMs + cfg.windowMs + cfg.maxSettleMs) / 1000 + 30;
    const t0Us = nowUs() + 300_000;
    const started = performance.now() + 300;
    const sending = topology.publisher!.call(
      'paced',
      { t0Us, intervalUs: 1e6 / publishesPerSec, count: Math.ceil(maxSeconds * publishesPerSec) },
      maxSeconds * 1000 + 60_000,
    );
    ctx.progress(`slow consumers, ${name}: warming up ${cfg.warmupMs} ms`);
    await sleep(300 + cfg.warmupMs);
    let firstDropAfterMs = Number.NaN;
    if (stall) {
      let reported = performance.now();
      while (performance.now() - started < cfg.maxSettleMs) {
        const mark = await server.call('mark', null);
        if ((mark.counters.droppedEvents ?? 0) > 0) {
          firstDropAfterMs = performance.now() - started;
          break;
        }
        if (performance.now() - reported > 5_000) {
          reported = performance.now();
          const q = await server.call('queues', null);
          ctx.progress(
            `slow consumers, ${name}: no drop yet after ${((reported - started) / 1000).toFixed(0)} s (fullest hub queue ${q.maxQueuedMessages} events; the rest sits in kernel buffers)`,
          );
        }
        await sleep(100);
      }
      ctx.progress(
        `slow consumers, ${name}: ${Number.isFinite(firstDropAfterMs) ? `first drop ${firstDropAfterMs.toFixed(0)} ms after publishing started` : `no drop within ${cfg.maxSettleMs} ms`}`,
      );
      await sleep(cfg.settleAfterDropMs);
    }

    await server.call('loopDelay', {});
    const m0 = await topology.mark();
    ctx.progress(`slow consumers, ${name}: measuring ${cfg.windowMs} ms`);
    await sleep(cfg.windowMs);
    const m1 = await topology.mark();
    const loop = await server.call('loopDelay', {});
    const queues = await server.call('queues', null);
    const window = windowFigures(name, stall ? stalled : 0, healthy, m0, m1, loop, queues);
    await topology.publisher!.call('stop', null);
    const paced = await sending;
    const afterGc = await server.call('memory', null);
    const end = await server.call('mark', null);

    // Healthy subscribers must have every publish exactly once; stalled ones, read again,
    // must be told what they missed (a `dropped` notice each).
    if (stall) await Promise.all(processes.map((child) => child.call('resume', null)));
    const deadline = performance.now() + 15_000;
    let states = await topology.verify();
    const settled = () => {
      const f = sumStates(states);
      return (
        f.healthyMin >= paced.sent && (stall ? f.dropped >= f.subscribers : f.min >= paced.sent)
      );
    };
    while (!settled() && performance.now() < deadline) {
      await sleep(100);
      states = await topology.verify();
    }
    const final = sumStates(states);
    const totals = await topology.publisher!.call('totals', null);
    const problems: string[] = states.flatMap((s) => s.errors);
    if (final.healthyMin !== paced.sent || final.healthyMax !== paced.sent) {
      problems.push(
        `healthy subscribers got ${final.healthyMin}..${final.healthyMax} of ${paced.sent} publishes`,
      );
    }
    if (final.healthyDropped > 0) {
      problems.push(`${final.healthyDropped} dropped notices to healthy subscribers`);
    }
    if (stall && final.dropped < final.subscribers) {
      problems.push(
        `${final.dropped} dropped notices for ${final.subscribers} stalled subscribers`,
      );
    }
    if (stall && window.droppedEvents === 0) problems.push('no event dropped in the window');
    if (!stall && (end.counters.droppedEvents ?? 0) > 0) {
      problems.push(`${end.counters.droppedEvents} events dropped with every subscriber reading`);
    }
    if (totals.errors > 0) problems.push(`${totals.errors} error replies: ${totals.firstError}`);
    if (totals.acked !== totals.sent) {
      problems.push(`${totals.acked} of ${totals.sent} publishes acked`);
    }
    for (const problem of problems.slice(0, 5)) ctx.progress(`slow consumers, ${name}: ${problem}`);
    ctx.progress(
      `slow consumers, ${name}: healthy ${integer(window.healthyDeliveredPerSec)} deliveries/s, loop p99 ${ms(loop.p99Us)} ms, ${integer(window.droppedEvents)} message-dropped in the window`,
    );
    return {
      window,
      firstDropAfterMs,
      droppedEvents: end.counters.droppedEvents ?? 0,
      routerDropped: end.counters.dropped ?? 0,
      afterGc,
      sent: paced.sent,
      final,
      problems,
    };
  } finally {
    await topology.close();
  }
}

export async function measureSlowConsumers(ctx: BenchContext): Promise<SlowConsumersRun> {
  const cfg = ctx.config.slowConsumers;
  const sat = await saturation(ctx, cfg.subscribers);
  const offered = cfg.loadFactor * sat.value;
  const publishesPerSec = offered / cfg.subscribers;
  ctx.progress(
    `slow consumers: ${integer(offered)} deliveries/s offered (${percent(cfg.loadFactor)} of ${integer(sat.value)}, ${publishesPerSec.toFixed(0)} publishes/s) to ${cfg.subscribers}, ${cfg.stalled} of them stalled in the second run`,
  );
  const reference = await measurePhase(ctx, publishesPerSec, false);
  const stalledRun = await measurePhase(ctx, publishesPerSec, true);
  return {
    subscribers: cfg.subscribers,
    stalled: cfg.stalled,
    saturationDeliveriesPerSec: sat.value,
    saturationSource: sat.source,
    offeredDeliveriesPerSec: offered,
    publishesPerSec,
    reference,
    stalledRun,
  };
}
