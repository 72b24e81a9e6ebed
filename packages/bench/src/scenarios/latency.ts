import { createHistogram } from 'node:perf_hooks';
import { nowUs, sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import type { LatencySamples } from '../load/commands.ts';
import { formatError } from '../log.ts';
import type { Scenario } from '../registry.ts';
import { integer, mb, ms, percent, ratio } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import { withoutMissingNats } from '../server/nats-binary.ts';
import { TARGET_LABEL, type TargetId } from '../targets.ts';
import { Topology } from '../topology.ts';
import { cpuShares, fanOutKey, measureFanOut } from './fanout.ts';

export type LoadLevel = 'light' | 'heavy';

export interface LatencyRun {
  target: TargetId;
  level: LoadLevel;
  subscribers: number;
  publishesPerSec: number;
  offeredDeliveriesPerSec: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  /** Measured deliveries that arrived before the end of the grace period. */
  delivered: number;
  expected: number;
  dropped: number;
  serverCpu: number;
  /** CPU share of the server core taken by other processes while publishing (NaN: unknown). */
  serverCoreOther: number;
  /** CPU of the subscriber processes and the publisher, which share the load core. */
  loadCpu: number;
  loadCoreOther: number;
  serverRssBefore: number;
  serverRssAfter: number;
  publisherLagP99Us: number;
  /**
   * Server CPU per publish: a floor under the spread of one publish's deliveries, since the
   * last subscriber's write happens at best this long after the first.
   */
  serverCpuPerPublishUs: number;
  sampleErrors: string[];
}

/** Allowed server RSS growth over a heavy run before we call the queues unbounded. */
const RSS_GROWTH_LIMIT = 64 * 1024 * 1024;
/** Share of the measured deliveries that must arrive within the grace period. */
const DELIVERED_FLOOR = 0.99;

/**
 * Latency at a fixed publish rate. The publisher sends publish k at t0 + k * interval no
 * matter what and stamps that scheduled time in the payload; subscribers subtract it from the
 * receipt time. Messages still missing when the grace period ends count with the time they
 * have waited so far, so a server that falls behind cannot hide its backlog.
 */
export async function measureLatency(
  ctx: BenchContext,
  target: TargetId,
  level: LoadLevel,
  offeredDeliveriesPerSec: number,
): Promise<LatencyRun> {
  const { latency } = ctx.config;
  const subscribers = latency.subscribers;
  const label = `${TARGET_LABEL[target]} ${level}`;
  const publishesPerSec = offeredDeliveriesPerSec / subscribers;
  const intervalUs = 1e6 / publishesPerSec;
  const warmupCount = Math.round((latency.warmupMs / 1000) * publishesPerSec);
  const count = warmupCount + Math.round((latency.windowMs / 1000) * publishesPerSec);
  ctx.progress(
    `latency ${label}: ${integer(offeredDeliveriesPerSec)} deliveries/s offered (${publishesPerSec.toFixed(1)} publishes/s to ${subscribers.toLocaleString()})`,
  );
  const topology = await Topology.launch({ target, subscribers, publisher: true, progressMs: 20 });
  try {
    const t0Us = nowUs() + 300_000;
    const measureFromUs = Math.round(t0Us + warmupCount * intervalUs);
    await Promise.all(
      topology.subscriberProcesses.map((child) => child.call('arm', { measureFromUs })),
    );
    const before = await topology.server.call('mark', null);
    const sending = topology.publisher!.call(
      'paced',
      { t0Us, intervalUs, count },
      latency.warmupMs + latency.windowMs + 120_000,
    );
    await sleep(Math.max(0, (measureFromUs - nowUs()) / 1000));
    const m0 = await topology.mark();
    const paced = await sending;
    const m1 = await topology.mark();
    // Grace: deliveries may still arrive for this long after the last scheduled publish.
    const lastUs = t0Us + (count - 1) * intervalUs;
    const graceEnd = performance.now() + Math.max(0, (lastUs - nowUs()) / 1000) + latency.graceMs;
    while (performance.now() < graceEnd && topology.minimum < count) await sleep(20);
    const endUs = nowUs();
    const results: LatencySamples[] = await Promise.all(
      topology.subscriberProcesses.map((child) =>
        child.call('finish', { endUs, t0Us, intervalUs, count, warmupCount }, 120_000),
      ),
    );
    const after = await topology.server.call('mark', null);
    const states = await topology.verify();

    const histogram = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
    let delivered = 0;
    let expected = 0;
    let dropped = 0;
    for (const result of results) {
      for (const sample of result.samples) histogram.record(Math.max(1, sample));
      for (const sample of result.missing) histogram.record(Math.max(1, sample));
      delivered += result.delivered;
      expected += result.expected;
      dropped += result.dropped;
    }
    const usage = cpuShares(m0, m1);
    // m0 is taken when the measured publishes start, m1 when the last was sent.
    const serverCpuPerPublishUs =
      (m1.server.cpuUs - m0.server.cpuUs) / Math.max(1, count - warmupCount);
    const run: LatencyRun = {
      target,
      level,
      subscribers,
      publishesPerSec,
      offeredDeliveriesPerSec,
      p50Us: histogram.percentile(50),
      p99Us: histogram.percentile(99),
      p999Us: histogram.percentile(99.9),
      maxUs: histogram.max,
      delivered,
      expected,
      dropped,
      ...usage,
      serverRssBefore: before.rss,
      serverRssAfter: after.rss,
      publisherLagP99Us: paced.lagP99Us,
      serverCpuPerPublishUs,
      sampleErrors: states.flatMap((s) => s.errors),
    };
    ctx.progress(
      `latency ${label}: p50 ${ms(run.p50Us)} ms, p99 ${ms(run.p99Us)} ms, p99.9 ${ms(run.p999Us)} ms, delivered ${integer(delivered)}/${integer(expected)}`,
    );
    return run;
  } finally {
    await topology.close();
  }
}

/** B0's deliveries/s at the latency subscriber count: from the fan-out scenario, or measured. */
async function b0Saturation(ctx: BenchContext): Promise<number> {
  const subscribers = ctx.config.latency.subscribers;
  const known = ctx.recall(fanOutKey('b0', subscribers, 'deliveriesPerSec'));
  if (known !== undefined) return known;
  ctx.progress('latency: measuring B0 saturation first');
  const run = await measureFanOut(ctx, 'b0', subscribers);
  ctx.remember(fanOutKey('b0', subscribers, 'deliveriesPerSec'), run.deliveriesPerSec);
  return run.deliveriesPerSec;
}

function queuesBounded(run: LatencyRun): boolean {
  return (
    run.delivered >= DELIVERED_FLOOR * run.expected &&
    run.serverRssAfter - run.serverRssBefore <= RSS_GROWTH_LIMIT
  );
}

export const latencyScenario: Scenario = {
  id: 'latency',
  title: 'Latency at fixed publish rates',
  description:
    'Paced publisher (scheduled send times in the payload, no coordinated omission) at 50% and 5x of B0 saturation measured in the same run; p50/p99/p99.9 from perf_hooks.createHistogram over every delivery.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const { latency } = ctx.config;
    const saturation = await b0Saturation(ctx);
    const light = latency.lightFactor * saturation;
    const heavy = latency.heavyFactor * saturation;
    const plan: Array<[TargetId, LoadLevel, number]> = [
      ['switchboard', 'light', light],
      ['b0', 'light', light],
      // The floor: a frame made once and written to each socket, nothing else per publish.
      ['b1', 'light', light],
      ['nats', 'light', light],
      ['switchboard', 'heavy', heavy],
    ];
    const usable = withoutMissingNats(
      plan.map(([target]) => target),
      (line) => ctx.progress(line),
    );
    const planned = plan.filter(([target]) => usable.targets.includes(target));
    const runs: LatencyRun[] = [];
    const failures: string[] = [];
    for (const [target, level, offered] of planned) {
      try {
        runs.push(await measureLatency(ctx, target, level, offered));
      } catch (error) {
        failures.push(`${TARGET_LABEL[target]} ${level}: ${formatError(error).split('\n')[0]}`);
        ctx.progress(`latency ${TARGET_LABEL[target]} ${level} failed: ${formatError(error)}`);
      }
    }
    const find = (target: TargetId, level: LoadLevel) =>
      runs.find((r) => r.target === target && r.level === level);
    const b0Light = find('b0', 'light');
    const subs = latency.subscribers.toLocaleString();

    const table: Table = {
      title: `Latency, ${subs} subscribers (publish to receipt, ms; B0 saturation ${integer(saturation)} deliveries/s)`,
      columns: [
        'server',
        'load',
        'offered deliveries/s',
        'p50',
        'p99',
        'p99.9',
        'max',
        'p99 vs B0 light',
        'delivered/expected',
        'server CPU',
        'server CPU / publish',
        'load CPU',
        'other processes (server core / load core)',
        'server RSS before -> after',
        'publisher lag p99',
      ],
      rows: runs.map((run) => [
        TARGET_LABEL[run.target],
        `${run.level} (${run.level === 'light' ? latency.lightFactor : latency.heavyFactor}x B0)`,
        integer(run.offeredDeliveriesPerSec),
        ms(run.p50Us),
        ms(run.p99Us),
        ms(run.p999Us),
        ms(run.maxUs),
        ratio(run.p99Us, b0Light?.p99Us),
        `${integer(run.delivered)}/${integer(run.expected)} (${percent(run.delivered / Math.max(1, run.expected))})${run.dropped ? `, ${run.dropped} dropped notices` : ''}`,
        percent(run.serverCpu),
        `${ms(run.serverCpuPerPublishUs)} ms`,
        percent(run.loadCpu),
        `${percent(run.serverCoreOther)} / ${percent(run.loadCoreOther)}`,
        `${mb(run.serverRssBefore)} -> ${mb(run.serverRssAfter)}`,
        `${ms(run.publisherLagP99Us)} ms`,
      ]),
      notes: [
        `Latency is measured from the scheduled send time to receipt by each subscriber, over ${latency.windowMs / 1000} s after ${latency.warmupMs / 1000} s of warm-up; messages still undelivered ${latency.graceMs / 1000} s after the last scheduled publish are counted with the time they had waited (a lower bound).`,
        'server CPU / publish: server CPU time per publish while publishing; one publish to every subscriber cannot be spread faster than this, so it is a floor under p50 to p99 when publishes are handled one per tick.',
        'B1 light is the floor for any server that writes each publish to each socket as it comes: one pre-made frame, one socket write per subscriber, no routing, no queue.',
        'publisher lag: how late the publisher itself sent (shared load core); it is part of the measured latency. Load CPU near 100%, or other processes on either core, mean the figures say more about the machine than about the server.',
        "NATS: core NATS (no acks), subscribers SUB bench.>; server CPU and RSS are nats-server's, from /proc.",
        ...usable.notes,
        ...failures.map((f) => `FAILED ${f}`),
      ],
    };

    const sbLight = find('switchboard', 'light');
    const b1Light = find('b1', 'light');
    const floor = (pick: (run: LatencyRun) => number) =>
      b1Light ? ` (B1, the write-only floor: ${ms(pick(b1Light))} ms)` : '';
    const sbHeavy = find('switchboard', 'heavy');
    const natsLight = find('nats', 'light');
    const checks: Check[] = [
      {
        name: `Switchboard light load p99 vs NATS, ${subs} subscribers`,
        requirement: "<= NATS's",
        actual:
          sbLight && natsLight
            ? `${ms(sbLight.p99Us)} ms vs NATS ${ms(natsLight.p99Us)} ms`
            : 'not measured',
        pass: sbLight && natsLight ? sbLight.p99Us <= natsLight.p99Us : undefined,
      },
      {
        name: `Switchboard light load p99, ${subs} subscribers`,
        requirement: '< 5 ms',
        actual: sbLight ? `${ms(sbLight.p99Us)} ms${floor((run) => run.p99Us)}` : 'not measured',
        pass: sbLight ? sbLight.p99Us < 5_000 : undefined,
      },
      {
        name: `Switchboard light load p99.9, ${subs} subscribers`,
        requirement: '< 20 ms',
        actual: sbLight ? `${ms(sbLight.p999Us)} ms${floor((run) => run.p999Us)}` : 'not measured',
        pass: sbLight ? sbLight.p999Us < 20_000 : undefined,
      },
      {
        name: `Switchboard heavy load p99, ${subs} subscribers`,
        requirement: '< 50 ms',
        actual: sbHeavy ? `${ms(sbHeavy.p99Us)} ms` : 'not measured',
        pass: sbHeavy ? sbHeavy.p99Us < 50_000 : undefined,
      },
      {
        name: 'Switchboard heavy load queues',
        requirement: `>= ${DELIVERED_FLOOR * 100}% delivered within ${latency.graceMs / 1000} s, RSS growth <= ${mb(RSS_GROWTH_LIMIT)}`,
        actual: sbHeavy
          ? `${percent(sbHeavy.delivered / Math.max(1, sbHeavy.expected))} delivered, RSS ${mb(sbHeavy.serverRssBefore)} -> ${mb(sbHeavy.serverRssAfter)}`
          : 'not measured',
        pass: sbHeavy ? queuesBounded(sbHeavy) : undefined,
      },
    ];
    return {
      tables: [table],
      checks,
      data: { b0SaturationDeliveriesPerSec: saturation, runs, failures, config: latency },
    };
  },
};
