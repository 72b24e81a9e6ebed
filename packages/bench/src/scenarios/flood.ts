import { sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import type { FloodResult, ProbeCommands, ProbeResult } from '../load/commands.ts';
import { Child } from '../process/child.ts';
import type { Scenario } from '../registry.ts';
import { integer, ms } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import type { LoopDelay, QueueReport } from '../server/commands.ts';
import { Topology } from '../topology.ts';

/** The target: one client flooding cannot stall the hub for the others. */
const LOOP_P99_LIMIT_US = 50_000;

export interface FloodRun {
  subscribers: number;
  flood: FloodResult;
  probe: ProbeResult;
  loop: LoopDelay;
  queues: QueueReport;
  /** Events the subscribers received during the run, all of them together. */
  delivered: number;
  serverCpu: number;
}

async function measureFlood(ctx: BenchContext): Promise<FloodRun> {
  const cfg = ctx.config.flood;
  const topology = await Topology.launch({
    target: 'switchboard',
    subscribers: cfg.subscribers,
    publisher: true,
    progressMs: 0,
  });
  const probe = Child.spawn<ProbeCommands>({
    name: 'flood probe',
    entry: 'load/probe-main.ts',
    config: { name: 'probe' },
    role: 'load',
  });
  try {
    await probe.ready(60_000);
    await probe.call('connect', { port: topology.port }, 30_000);
    const server = topology.server;
    await server.call('loopDelay', { resolutionMs: cfg.loopResolutionMs });
    ctx.progress(
      `flood: one publisher as fast as its socket takes it, ${cfg.subscribers} subscribers, ${cfg.windowMs} ms after ${cfg.warmupMs} ms`,
    );
    const flooding = topology.publisher!.call(
      'flood',
      {
        durationMs: cfg.warmupMs + cfg.windowMs,
        maxBufferedBytes: cfg.maxBufferedBytes,
        settleMs: 15_000,
      },
      cfg.warmupMs + cfg.windowMs + 60_000,
    );
    await sleep(cfg.warmupMs);
    await server.call('loopDelay', {});
    const m0 = await topology.mark();
    const probed = await probe.call(
      'probe',
      { durationMs: cfg.windowMs, intervalMs: cfg.pingIntervalMs },
      cfg.windowMs + 30_000,
    );
    const m1 = await topology.mark();
    const loop = await server.call('loopDelay', {});
    const queues = await server.call('queues', null);
    const flood = await flooding;
    const delivered = m1.subscribers.reduce((sum, s) => sum + s.total, 0);
    const serverCpu =
      (m1.server.cpuUs - m0.server.cpuUs) / Math.max(1, m1.server.hrUs - m0.server.hrUs);
    ctx.progress(
      `flood: ${integer(flood.sent)} published, ${integer(flood.acked)} acked, ${integer(flood.errors)} refused; loop p99 ${ms(loop.p99Us)} ms; probe ping p99 ${ms(probed.p99Us)} ms`,
    );
    return {
      subscribers: cfg.subscribers,
      flood,
      probe: probed,
      loop,
      queues,
      delivered,
      serverCpu,
    };
  } finally {
    await probe.kill();
    await topology.close();
  }
}

export const floodScenario: Scenario = {
  id: 'flood',
  title: 'Flood fairness',
  description:
    'One client publishes to a topic with 500 subscribers as fast as its socket takes the frames, while another client pings the hub: the hub event-loop delay, the other client’s ping round trip, and how many publishes were acked or refused.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const cfg = ctx.config.flood;
    const run = await measureFlood(ctx);
    const { flood, probe, loop } = run;
    const table: Table = {
      title: `Flood: one publisher flat out, ${integer(run.subscribers)} subscribers, a second client pinging every ${cfg.pingIntervalMs} ms`,
      columns: [
        'published',
        'acked',
        'refused',
        'publishes/s',
        'hub loop delay p50 / p99 / max (ms)',
        'probe ping p50 / p99 / max (ms)',
        'pings answered',
        'server CPU',
      ],
      rows: [
        [
          integer(flood.sent),
          integer(flood.acked),
          integer(flood.errors),
          integer(flood.sent / Math.max(0.001, flood.seconds)),
          `${ms(loop.p50Us)} / ${ms(loop.p99Us)} / ${ms(loop.maxUs)}`,
          `${ms(probe.p50Us)} / ${ms(probe.p99Us)} / ${ms(probe.maxUs)}`,
          `${integer(probe.answered)} of ${integer(probe.sent)}`,
          `${Math.round(run.serverCpu * 100)}%`,
        ],
      ],
      notes: [
        `The publisher (a raw socket, load core) writes publish frames (128-byte payload, 8 topics under bench.#, which every subscriber has) whenever its socket buffers less than ${integer(cfg.maxBufferedBytes)} bytes, for ${(cfg.warmupMs + cfg.windowMs) / 1000} s; the hub's inbound throttle and fair reads decide how fast it goes. Measured over the last ${cfg.windowMs / 1000} s: loop delay with perf_hooks.monitorEventLoopDelay in the server (resolution ${cfg.loopResolutionMs} ms), ping round trips from a separate process with one quiet connection. refused: error answers (first: ${flood.firstError ?? 'none'}). Subscribers received ${integer(run.delivered)} events in total; the fullest hub queue held ${integer(run.queues.maxQueuedMessages)} events at the end of the window, ${integer(run.queues.dropped)} dropped (drop-oldest).`,
      ],
    };
    const checks: Check[] = [
      {
        name: 'Flood: hub event-loop delay p99 while one client floods',
        requirement: `< ${LOOP_P99_LIMIT_US / 1000} ms`,
        actual: `${ms(loop.p99Us)} ms (ping p99 of another client ${ms(probe.p99Us)} ms)`,
        pass: loop.p99Us < LOOP_P99_LIMIT_US,
      },
      {
        name: 'Flood: the other client is answered',
        requirement: 'every ping answered, every publish acked or refused',
        actual: `${integer(probe.answered)} of ${integer(probe.sent)} pings, ${integer(flood.acked + flood.errors)} of ${integer(flood.sent)} publishes`,
        pass: probe.answered === probe.sent && flood.acked + flood.errors === flood.sent,
      },
    ];
    return { tables: [table], checks, data: { config: cfg, run } };
  },
};
