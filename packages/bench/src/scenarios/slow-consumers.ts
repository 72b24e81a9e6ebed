import type { BenchContext } from '../context.ts';
import type { Scenario } from '../registry.ts';
import { integer, mb, ms, percent } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import type { LoopDelay } from '../server/commands.ts';
import { measureSlowConsumers, type SlowPhase, type SlowWindow } from './slow-consumers-run.ts';

/** Healthy subscribers' throughput with the stalled ones, as a share of it without them. */
const THROUGHPUT_FLOOR = 0.9;
/** Server event-loop delay p99 while consumers are stalled. */
const LOOP_P99_LIMIT_US = 20_000;
/** Allowed server RSS growth from the end of the first window to the end of the second. */
const RSS_GROWTH_LIMIT = 64 * 1024 * 1024;
/** Non-event frames (acks, the dropped notice) a live queue may hold beyond queueSize. */
const QUEUE_SLACK = 10;

function loopCell(loop: LoopDelay): string {
  return `${ms(loop.p50Us)} / ${ms(loop.p99Us)} / ${ms(loop.maxUs)}`;
}

export const slowConsumersScenario: Scenario = {
  id: 'slow-consumers',
  title: 'Slow consumers',
  description:
    "1% of Switchboard subscribers never read their sockets after subscribing, while a paced publisher offers 80% of Switchboard's own fan-out saturation; healthy subscribers' throughput against the same run with everyone reading, the server's event-loop delay, memory and message-dropped events, default drop-oldest policy.",
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const cfg = ctx.config.slowConsumers;
    const run = await measureSlowConsumers(ctx);
    const ref = run.reference.window;
    const during = run.stalledRun.window;
    const ratio = during.healthyDeliveredPerSec / ref.healthyDeliveredPerSec;
    const rssGrowth = during.rss - during.rssStart;
    const queueBound = cfg.queueSize + QUEUE_SLACK;
    const problems = [
      ...run.reference.problems.map((p) => `all reading: ${p}`),
      ...run.stalledRun.problems.map((p) => `stalled: ${p}`),
    ];
    const row = (w: SlowWindow, phase: SlowPhase) => [
      w.label,
      integer(w.offeredHealthyPerSec),
      integer(w.healthyDeliveredPerSec),
      percent(w.healthyDeliveredPerSec / ref.healthyDeliveredPerSec),
      integer(w.setAsideDeliveredPerSec),
      percent(w.serverCpu),
      loopCell(w.loop),
      `${integer(w.droppedEvents)} (run: ${integer(phase.droppedEvents)})`,
      `${integer(w.queues.maxQueuedMessages)} / ${mb(w.queues.maxQueuedBytes)}`,
      `${mb(w.rssStart)} -> ${mb(w.rss)} / ${mb(w.heapUsed)}`,
      `${mb(phase.afterGc.rss)} / ${mb(phase.afterGc.heapUsed)}`,
      percent(w.loadCpu),
      `${percent(w.serverCoreOther)} / ${percent(w.loadCoreOther)}`,
    ];
    const stalledFinal = run.stalledRun.final;
    const table: Table = {
      title: `Slow consumers: ${integer(run.subscribers)} subscribers, ${run.stalled} stalled, ${percent(cfg.loadFactor)} of saturation (${integer(run.offeredDeliveriesPerSec)} deliveries/s offered), drop-oldest, queueSize ${integer(cfg.queueSize)}`,
      columns: [
        'run',
        'offered to healthy /s',
        'healthy delivered /s',
        'vs all reading',
        'to the 1% /s',
        'server CPU',
        'loop delay p50 / p99 / max (ms)',
        'message-dropped in window',
        'largest queue (events / bytes)',
        'server RSS (window start -> end) / heap',
        'after GC: RSS / heap',
        'load CPU',
        'other processes (server core / load core)',
      ],
      rows: [row(ref, run.reference), row(during, run.stalledRun)],
      notes: [
        `Two runs, each with fresh processes: the same ${integer(run.subscribers)} raw-socket subscribers and one paced publisher (${run.publishesPerSec.toFixed(0)} publishes/s, 128-byte payload, 8 topics under bench.#, ${percent(cfg.loadFactor)} of the ${integer(run.saturationDeliveriesPerSec)} deliveries/s Switchboard reached at ${integer(run.subscribers)} subscribers, ${run.saturationSource}). In the second, ${run.stalled} subscribers pause() their net.Socket right after the subscribe ack (the kernel stops reading for them) before anything is published. Healthy = the other ${integer(run.subscribers - run.stalled)}. Window ${cfg.windowMs / 1000} s after ${cfg.warmupMs / 1000} s of warm-up; with stalled subscribers it starts ${cfg.settleAfterDropMs / 1000} s after the first message-dropped (${Number.isFinite(run.stalledRun.firstDropAfterMs) ? `${(run.stalledRun.firstDropAfterMs / 1000).toFixed(1)} s after publishing started, once the kernel buffers and the hub queue were full` : 'no drop seen'}).`,
        `loop delay: perf_hooks.monitorEventLoopDelay in the server process over the window (resolution ${cfg.loopResolutionMs} ms; a sample is the time between two timer turns, so it includes that interval and shows a loop turn spent on a long fan-out in full). server CPU: the rate is 80% of the closed loop's saturation, where publishes arrive in bursts of 20; paced one at a time, fewer events share a write and each delivery costs more. largest queue: ClientInfo.queuedMessages / queuedBytes (hub queue plus what the socket still buffers in Node) of the fullest connection at the end of the window. after GC: at the end of the run, stalled subscribers still stalled, after a forced GC.`,
        `message-dropped: the router's events, counted by a listener (router stats: ${integer(run.stalledRun.routerDropped)} for the stalled run). Afterwards the stalled subscribers read again and got ${integer(stalledFinal.dropped)} dropped notices and ${integer(stalledFinal.min)}..${integer(stalledFinal.max)} of ${integer(run.stalledRun.sent)} events; the healthy ones got ${integer(stalledFinal.healthyMin)}..${integer(stalledFinal.healthyMax)}, in order on the checked subscriber${problems.length ? `. PROBLEMS: ${problems.join('; ')}` : ', no dropped notice'}.`,
      ],
    };
    const checks: Check[] = [
      {
        name: `Slow consumers: healthy throughput, ${run.stalled} of ${integer(run.subscribers)} stalled`,
        requirement: `>= ${THROUGHPUT_FLOOR * 100}% of the same run with all reading, every healthy delivery made`,
        actual: `${percent(ratio)} (${integer(during.healthyDeliveredPerSec)} vs ${integer(ref.healthyDeliveredPerSec)} deliveries/s)${problems.length ? `; ${problems[0]}` : ''}`,
        pass: ratio >= THROUGHPUT_FLOOR && problems.length === 0,
      },
      {
        name: 'Slow consumers: server event-loop delay p99',
        requirement: `< ${LOOP_P99_LIMIT_US / 1000} ms`,
        actual: `${ms(during.loop.p99Us)} ms (all reading: ${ms(ref.loop.p99Us)} ms)`,
        pass: during.loop.p99Us < LOOP_P99_LIMIT_US,
      },
      {
        name: 'Slow consumers: server memory bounded',
        requirement: `queues <= queueSize (+${QUEUE_SLACK} replies), RSS growth over the window <= ${mb(RSS_GROWTH_LIMIT)}`,
        actual: `largest queue ${integer(during.queues.maxQueuedMessages)} events, RSS ${mb(during.rssStart)} -> ${mb(during.rss)} (all reading: ${mb(ref.rss)})`,
        pass: during.queues.maxQueuedMessages <= queueBound && rssGrowth <= RSS_GROWTH_LIMIT,
      },
    ];
    return { tables: [table], checks, data: { config: cfg, run } };
  },
};
