import { sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import { formatError } from '../log.ts';
import { coreBusy } from '../process/core-times.ts';
import { placementOf } from '../process/cores.ts';
import type { Scenario } from '../registry.ts';
import { integer, percent, ratio } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import { withoutMissingNats } from '../server/nats-binary.ts';
import { TARGET_DESCRIPTION, TARGET_LABEL, type TargetId } from '../targets.ts';
import { type Marks, Topology } from '../topology.ts';

export interface FanOutRun {
  target: TargetId;
  subscribers: number;
  /** Messages received by all subscribers per second of the window. */
  deliveriesPerSec: number;
  /** Server CPU time per wall second (1 = one core saturated). */
  serverCpu: number;
  /** The headline figure: deliveries per second of server CPU time. */
  perServerCpuSec: number;
  /** CPU of all load processes per wall second (they share one core). */
  loadCpu: number;
  publishesPerSec: number;
  inFlightPublishes: number;
  serverRssBefore: number;
  serverRssAfter: number;
  /** CPU share of the server core taken by other processes during the window (NaN: unknown). */
  serverCoreOther: number;
  /** The same for the load core. */
  loadCoreOther: number;
  /** Every subscriber got every publish exactly once, samples parsed cleanly. */
  verified: boolean;
  sampled: number;
  problems: string[];
}

export function fanOutKey(target: TargetId, subscribers: number, figure: string): string {
  return `fanout.${target}.${subscribers}.${figure}`;
}

function rate(before: number, after: number, fromUs: number, toUs: number): number {
  return ((after - before) * 1e6) / Math.max(1, toUs - fromUs);
}

/** Server CPU, load CPU and other processes' share of the server core between two marks. */
export function cpuShares(
  m0: Marks,
  m1: Marks,
): { serverCpu: number; loadCpu: number; serverCoreOther: number; loadCoreOther: number } {
  let loadCpu = 0;
  const loads = [...m0.subscribers.map((before, i) => [before, m1.subscribers[i]!] as const)];
  if (m0.publisher && m1.publisher) loads.push([m0.publisher, m1.publisher]);
  loads.push([m0.orchestrator, m1.orchestrator]);
  for (const [before, after] of loads) {
    loadCpu += rate(before.cpuUs, after.cpuUs, before.hrUs, after.hrUs) / 1e6;
  }
  // Over the server's own clock: a server busy in a long fan-out answers its mark late.
  const serverCpu = rate(m0.server.cpuUs, m1.server.cpuUs, m0.server.hrUs, m1.server.hrUs) / 1e6;
  const where = placementOf();
  const other = (core: number, ours: number) =>
    where.pinned ? Math.max(0, coreBusy(m0.cores, m1.cores, core) - ours) : Number.NaN;
  return {
    serverCpu,
    loadCpu,
    serverCoreOther: other(where.serverCore, serverCpu),
    loadCoreOther: other(where.loadCore, loadCpu),
  };
}

type Figures = Omit<
  FanOutRun,
  'target' | 'subscribers' | 'inFlightPublishes' | 'verified' | 'sampled' | 'problems'
>;

function compute(m0: Marks, m1: Marks): Figures {
  // Deliveries over the subscribers' clocks, CPU over the server's (see cpuShares).
  let deliveriesPerSec = 0;
  m1.subscribers.forEach((after, i) => {
    const before = m0.subscribers[i]!;
    deliveriesPerSec += rate(before.total, after.total, before.hrUs, after.hrUs);
  });
  const publishesPerSec =
    m0.publisher && m1.publisher
      ? rate(m0.publisher.total, m1.publisher.total, m0.publisher.hrUs, m1.publisher.hrUs)
      : 0;
  const { serverCpu, loadCpu, serverCoreOther, loadCoreOther } = cpuShares(m0, m1);
  return {
    deliveriesPerSec,
    serverCpu,
    serverCoreOther,
    loadCoreOther,
    perServerCpuSec: deliveriesPerSec / Math.max(serverCpu, 1e-6),
    loadCpu,
    publishesPerSec,
    serverRssBefore: m0.server.rss,
    serverRssAfter: m1.server.rss,
  };
}

/**
 * Fan-out saturation of one target: a closed-loop publisher over a socket, every publish to
 * every subscriber, deliveries counted by the subscribers over a fixed window, server CPU
 * measured inside the server process over the same window.
 */
export async function measureFanOut(
  ctx: BenchContext,
  target: TargetId,
  subscribers: number,
): Promise<FanOutRun> {
  const { fanOut } = ctx.config;
  const label = `${TARGET_LABEL[target]} x${subscribers.toLocaleString()}`;
  ctx.progress(`fan-out ${label}: starting`);
  const topology = await Topology.launch({
    target,
    subscribers,
    publisher: true,
    witness: true,
    progressMs: 10,
  });
  try {
    const inFlightPublishes = Math.max(
      fanOut.minInFlightPublishes,
      Math.ceil(fanOut.inFlightDeliveries / subscribers),
    );
    topology.relayProgress();
    await topology.publisher!.call('closedLoop', {
      window: inFlightPublishes,
      burst: fanOut.burst,
    });
    ctx.progress(`fan-out ${label}: warming up ${fanOut.warmupMs} ms`);
    await sleep(fanOut.warmupMs);
    const m0 = await topology.mark();
    ctx.progress(`fan-out ${label}: measuring ${fanOut.windowMs} ms`);
    await sleep(fanOut.windowMs);
    const m1 = await topology.mark();
    const totals = await topology.publisher!.call('stop', null);
    const figures = compute(m0, m1);
    ctx.progress(
      `fan-out ${label}: ${integer(figures.deliveriesPerSec)} deliveries/s, server CPU ${percent(figures.serverCpu)}, ${integer(figures.perServerCpuSec)} per server CPU-s; draining`,
    );

    const drained = await topology.waitForAll(totals.sent, fanOut.drainTimeoutMs);
    const states = await topology.verify();
    const problems: string[] = [];
    if (!drained) {
      const min = Math.min(...states.map((s) => s.min));
      const max = Math.max(...states.map((s) => s.max));
      problems.push(`not drained: subscribers got ${min}..${max} of ${totals.sent} publishes`);
    } else if (states.some((s) => s.max !== totals.sent)) {
      problems.push(`a subscriber got more than the ${totals.sent} publishes (duplicates)`);
    }
    const dropped = states.reduce((sum, s) => sum + s.dropped, 0);
    if (dropped > 0) problems.push(`${dropped} dropped notices`);
    for (const state of states) problems.push(...state.errors);
    const witness = states.find((s) => s.witness)?.witness;
    if (witness) problems.push(...witness.errors.map((e) => `witness: ${e}`));
    let final = await topology.publisher!.call('totals', null);
    // Acks may trail the last deliveries a little.
    for (let i = 0; i < 40 && target === 'switchboard' && final.acked < final.sent; i++) {
      await sleep(50);
      final = await topology.publisher!.call('totals', null);
    }
    if (final.errors > 0) problems.push(`${final.errors} error replies: ${final.firstError}`);
    if (target === 'switchboard' && final.acked !== final.sent) {
      problems.push(`${final.acked} of ${final.sent} publishes acked`);
    }
    const sampled = states.reduce((sum, s) => sum + s.sampled, 0) + (witness?.events ?? 0);
    if (sampled === 0) problems.push('no message was checked');
    for (const problem of problems.slice(0, 5)) ctx.progress(`fan-out ${label}: ${problem}`);
    return {
      target,
      subscribers,
      ...figures,
      inFlightPublishes,
      verified: problems.length === 0,
      sampled,
      problems,
    };
  } finally {
    await topology.close();
  }
}

function subscribersLabel(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

export const fanOutScenario: Scenario = {
  id: 'fanout',
  title: 'Fan-out saturation',
  description:
    'One publisher over a socket, closed loop; every publish goes to every subscriber; deliveries counted by subscriber processes on the load core, CPU measured inside the server process on its own core.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const runs: FanOutRun[] = [];
    const failures: string[] = [];
    const usable = withoutMissingNats(ctx.config.fanOut.targets, (line) => ctx.progress(line));
    for (const subscribers of ctx.config.fanOut.subscribers) {
      for (const target of usable.targets) {
        try {
          const run = await measureFanOut(ctx, target, subscribers);
          runs.push(run);
          ctx.remember(fanOutKey(target, subscribers, 'deliveriesPerSec'), run.deliveriesPerSec);
          ctx.remember(fanOutKey(target, subscribers, 'perServerCpuSec'), run.perServerCpuSec);
        } catch (error) {
          failures.push(
            `${TARGET_LABEL[target]} x${subscribers}: ${formatError(error).split('\n')[0]}`,
          );
          ctx.progress(
            `fan-out ${TARGET_LABEL[target]} x${subscribers} failed: ${formatError(error)}`,
          );
        }
      }
    }
    const figure = (target: TargetId, subscribers: number) =>
      runs.find((r) => r.target === target && r.subscribers === subscribers)?.perServerCpuSec;

    const table: Table = {
      title: 'Fan-out saturation (128-byte payload, one publisher, closed loop)',
      columns: [
        'server',
        'subs',
        'deliveries/s',
        'server CPU',
        'deliveries / server CPU-s',
        'vs B0',
        'vs B2',
        'vs Socket.IO',
        'vs NATS',
        'load CPU',
        'other processes (server core / load core)',
        'checked',
      ],
      rows: runs.map((run) => [
        TARGET_LABEL[run.target],
        subscribersLabel(run.subscribers),
        integer(run.deliveriesPerSec),
        percent(run.serverCpu),
        integer(run.perServerCpuSec),
        ratio(run.perServerCpuSec, figure('b0', run.subscribers)),
        ratio(run.perServerCpuSec, figure('b2', run.subscribers)),
        ratio(run.perServerCpuSec, figure('socketio', run.subscribers)),
        ratio(run.perServerCpuSec, figure('nats', run.subscribers)),
        percent(run.loadCpu),
        `${percent(run.serverCoreOther)} / ${percent(run.loadCoreOther)}`,
        run.verified ? `ok (${integer(run.sampled)} parsed)` : `NO: ${run.problems[0]}`,
      ]),
      notes: [
        'deliveries / server CPU-s = deliveries per second divided by the server process CPU time per second (user + system, process.cpuUsage()); comparable whether or not the server core was saturated.',
        'load CPU: all subscriber processes and the publisher, which share the load core; near 100% means the load side, not the server, set the pace.',
        'other processes: share of each core used by processes outside the benchmark during the window (/proc/stat); more than a few percent means the machine was not quiet and wall-clock figures suffer.',
        'checked: after the window the publisher stops and every subscriber must reach exactly the number of publishes; one subscriber per process parses every message and checks the sequence; for Switchboard one subscriber is a real WSClient checking sequence numbers and offsets.',
        'NATS: nats-server (Go) on the server core with a WebSocket listener; its CPU and RSS come from /proc/<pid> (10 ms resolution), subscribers SUB bench.>, the publisher sends core PUBs (no acks).',
        ...usable.notes,
        ...failures.map((f) => `FAILED ${f}`),
      ],
    };

    const checks: Check[] = [];
    for (const subscribers of ctx.config.fanOut.subscribers) {
      const tag = subscribersLabel(subscribers);
      const sb = figure('switchboard', subscribers);
      const b0 = figure('b0', subscribers);
      const b2 = figure('b2', subscribers);
      const sio = figure('socketio', subscribers);
      const nats = figure('nats', subscribers);
      const okRun = (target: TargetId) =>
        runs.find((r) => r.target === target && r.subscribers === subscribers)?.verified === true;
      checks.push({
        name: `Switchboard fan-out per server CPU-s, ${tag} subscribers`,
        requirement: '>= 0.5x B2, every delivery checked',
        actual:
          sb === undefined || b2 === undefined
            ? 'not measured'
            : `${ratio(sb, b2)} B2 (${integer(sb)} vs ${integer(b2)})${okRun('switchboard') ? '' : ', check failed'}`,
        pass:
          sb === undefined || b2 === undefined ? undefined : sb >= 0.5 * b2 && okRun('switchboard'),
      });
      checks.push({
        name: `Switchboard fan-out vs NATS, ${tag} subscribers`,
        requirement: '>= 1.2x NATS and >= 0.8x B2 per server CPU-s',
        actual:
          sb === undefined || nats === undefined || b2 === undefined
            ? 'not measured'
            : `${ratio(sb, nats)} NATS (${integer(nats)}), ${ratio(sb, b2)} B2`,
        pass:
          sb === undefined || nats === undefined || b2 === undefined
            ? undefined
            : sb >= 1.2 * nats && sb >= 0.8 * b2 && okRun('switchboard'),
      });
      checks.push({
        name: `B2 baseline, ${tag} subscribers`,
        requirement: '>= 5x B0 and >= 5x Socket.IO',
        actual:
          b2 === undefined || b0 === undefined || sio === undefined
            ? 'not measured'
            : `${ratio(b2, b0)} B0, ${ratio(b2, sio)} Socket.IO`,
        pass:
          b2 === undefined || b0 === undefined || sio === undefined
            ? undefined
            : b2 >= 5 * b0 && b2 >= 5 * sio,
      });
    }
    return {
      tables: [table],
      checks,
      data: { runs, failures, servers: TARGET_DESCRIPTION, config: ctx.config.fanOut },
    };
  },
};
