import { FuzzConnection } from './fuzz-connection.ts';
import { type HubExit, HubProcess } from './hub-process.ts';
import { Rng } from './rng.ts';
import { Tally } from './tally.ts';
import { WellBehaved, type WellBehavedReport } from './well-behaved.ts';

export interface SoakOptions {
  seed: number;
  /** Frames all fuzzing connections send together. */
  frames: number;
  /** Fuzzing connections at once (the well-behaved three come on top). */
  connections: number;
  /** Frames per batch between fence pings. @default 100 */
  batch?: number;
  /** Share of frames sent valid and unmutated. @default 0.3 */
  validShare?: number;
  /** Environment of the hub child (its fault injection, for the soak's own tests). */
  hubEnv?: Record<string, string>;
  /** Called now and then with frames sent so far. */
  onProgress?: (framesSent: number) => void;
}

export interface SoakReport {
  seed: number;
  frames: number;
  connections: number;
  durationMs: number;
  framesPerSecond: number;
  /** 1 when the hub process exited before it was asked to stop. */
  crashes: number;
  hubExit: HubExit;
  expected: number;
  answered: number;
  answeredByClose: number;
  unanswered: number;
  unansweredExamples: string[];
  leaks: number;
  leakExamples: string[];
  stalls: number;
  connectionsOpened: number;
  upgradesFailed: number;
  closes: Record<string, number>;
  errorCodes: Record<string, number>;
  heapPeakBytes: number;
  rssPeakBytes: number;
  /** The hub's own event-loop delay over the run (the well-behaved pings also wait on ours). */
  hubLoopDelayP99Ms: number;
  hubLoopDelayMaxMs: number;
  /** `error` events of the hub's server and router (failures inside the hub), but the deliberate one. */
  hubErrors: number;
  hubErrorExamples: string[];
  wellBehaved: WellBehavedReport;
  /** Whether the run passed: no crash, nothing unanswered, no leak, the well-behaved side whole. */
  ok: boolean;
}

/** Whose token each fuzzing connection says hello with, in turn. */
const ROLES = ['admin', 'agent7', 'limited', 'expiring', 'admin', 'agent7'] as const;

/**
 * One soak: a hub in a child process, the well-behaved publisher and subscribers, and
 * `connections` fuzzing connections sharing `frames` between them.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const hub = await HubProcess.start(options.hubEnv);
  const tally = new Tally();
  const started = performance.now();
  let crashed = false;
  const hubGone = new AbortController();
  void hub.exited.then((exit) => {
    crashed = exit.crashed;
    hubGone.abort();
  });
  try {
    const watch = await WellBehaved.start(hub.url);
    hub.measure();
    const share = Math.ceil(options.frames / options.connections);
    const fuzzers = Array.from({ length: options.connections }, (_, i) => {
      const frames = Math.max(0, Math.min(share, options.frames - i * share));
      return new FuzzConnection(
        {
          url: hub.url,
          name: `f${i}`,
          rng: Rng.derive(options.seed, i),
          frames,
          token: ROLES[i % ROLES.length]!,
          batch: options.batch ?? 100,
          validShare: options.validShare ?? 0.3,
          drainMs: 5_000,
          fenceTimeoutMs: 20_000,
          signal: hubGone.signal,
        },
        tally,
      ).run();
    });
    const progress = setInterval(() => options.onProgress?.(tally.framesSent), 2_000);
    await Promise.all(fuzzers);
    clearInterval(progress);
    const durationMs = performance.now() - started;
    const wellBehaved = hub.running ? await watch.stop(5_000) : await watch.stop(0);
    const hubExit = crashed ? await hub.exited : await hub.stop();
    const crashes = crashed || hubExit.crashed ? 1 : 0;
    const report: SoakReport = {
      seed: options.seed,
      frames: tally.framesSent,
      connections: options.connections,
      durationMs: Math.round(durationMs),
      framesPerSecond: Math.round(tally.framesSent / (durationMs / 1_000)),
      crashes,
      hubExit,
      expected: tally.expected,
      answered: tally.answered,
      answeredByClose: tally.answeredByClose,
      unanswered: tally.unanswered,
      unansweredExamples: tally.unansweredExamples,
      leaks: tally.leaks + wellBehaved.restrictedLeaks,
      leakExamples: tally.leakExamples,
      stalls: tally.stalls,
      connectionsOpened: tally.connectionsOpened,
      upgradesFailed: tally.upgradesFailed,
      closes: Object.fromEntries([...tally.closes].sort(([a], [b]) => a - b)),
      errorCodes: Object.fromEntries([...tally.errorCodes].sort(([, a], [, b]) => b - a)),
      heapPeakBytes: hub.heapPeak,
      rssPeakBytes: hub.rssPeak,
      hubLoopDelayP99Ms: round(hub.final?.loopDelayP99Ms ?? Number.NaN),
      hubLoopDelayMaxMs: round(hub.final?.loopDelayMaxMs ?? Number.NaN),
      hubErrors: hub.final?.hubErrors ?? 0,
      hubErrorExamples: hub.final?.hubErrorExamples ?? [],
      wellBehaved,
      ok: false,
    };
    report.ok = passed(report);
    return report;
  } finally {
    if (hub.running) await hub.stop();
  }
}

/** The failures `pnpm fuzz` exits non-zero on. */
export function failures(report: SoakReport): string[] {
  const w = report.wellBehaved;
  const problems: [boolean, string][] = [
    [report.crashes > 0, `the hub crashed (${JSON.stringify(report.hubExit)})`],
    [report.unanswered > 0, `${report.unanswered} frames got no answer`],
    [report.stalls > 0, `${report.stalls} fence pings went unanswered`],
    [report.leaks > 0, `${report.leaks} deliveries leaked to the restricted principal`],
    [report.hubErrors > 0, `the hub emitted ${report.hubErrors} error events`],
    [w.orderViolations > 0, `${w.orderViolations} well-behaved events out of order`],
    [w.missing > 0, `${w.missing} acked well-behaved events never arrived`],
    [w.dropped > 0, `the well-behaved subscriber got ${w.dropped} dropped frames`],
    [w.refused > 0, `${w.refused} well-behaved publishes were refused`],
    [w.pingsUnanswered > 0, `${w.pingsUnanswered} well-behaved pings unanswered`],
    [w.unexpectedCloses > 0, `${w.unexpectedCloses} well-behaved connections closed`],
    [w.acked === 0, 'the well-behaved publisher got no publish acked'],
  ];
  return problems.filter(([failed]) => failed).map(([, message]) => message);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function passed(report: SoakReport): boolean {
  return failures(report).length === 0;
}
