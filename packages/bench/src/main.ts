/**
 * `pnpm bench`: Switchboard against raw `ws` baselines (B0, B1, B2) and Socket.IO, in one run.
 * Progress goes to stderr, the final tables to stdout, results to bench/results/latest.{json,md}.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs, USAGE } from './cli.ts';
import { sleep } from './clock.ts';
import { configFor, withOverrides } from './config.ts';
import { BenchContext } from './context.ts';
import { formatError, progress } from './log.ts';
import { killAll, killAllSync } from './process/child.ts';
import { coreBusy, readCoreTimes } from './process/core-times.ts';
import { pinSelfToLoadCore, placementOf } from './process/cores.ts';
import { SCENARIOS } from './registry.ts';
import type { BenchResults, Machine, ScenarioOutcome } from './report/model.ts';
import { renderText } from './report/render.ts';
import { updateDocs, writeResults } from './report/write.ts';

function openFilesLimit(): string {
  try {
    return execFileSync('sh', ['-c', 'echo "$(ulimit -Sn)/$(ulimit -Hn)"'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    pinned: placementOf().pinned,
    openFiles: openFilesLimit(),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    busyAtStart: [],
  };
}

/** Share of each core busy over one second, before anything of ours runs. */
async function coreUsageOverOneSecond(): Promise<number[]> {
  const before = readCoreTimes();
  await sleep(1000);
  const after = readCoreTimes();
  return before.map((_, core) => coreBusy(before, after, core)).filter(Number.isFinite);
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const unknown = options.only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    throw new TypeError(
      `Unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  }
  const info = machine();
  const idle = await coreUsageOverOneSecond();
  info.busyAtStart = idle.map((busy) => Number((busy * 100).toFixed(0)));
  if (idle.some((busy) => busy > 0.1)) {
    progress(
      `warning: the machine is not idle (cores busy ${info.busyAtStart.join('% / ')}% before starting); wall-clock figures will suffer`,
    );
  }
  pinSelfToLoadCore();
  const ctx = new BenchContext(options.quick, withOverrides(configFor(options.quick), options));
  const started = performance.now();
  progress(
    `${options.quick ? 'quick' : 'full'} run on ${info.cpu}, ${info.cores} cores, Node ${info.node}; ${info.pinned ? 'server on core 0, load on core 1' : 'no taskset: processes not pinned'}`,
  );

  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of SCENARIOS) {
    if (options.only && !options.only.includes(scenario.id)) continue;
    progress(`== ${scenario.title}`);
    const t0 = performance.now();
    try {
      const report = await scenario.run(ctx);
      outcomes.push({
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        seconds: Math.round((performance.now() - t0) / 1000),
        ...report,
      });
    } catch (error) {
      progress(`${scenario.title} failed: ${formatError(error)}`);
      outcomes.push({
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        seconds: Math.round((performance.now() - t0) / 1000),
        tables: [],
        checks: [],
        data: null,
        error: formatError(error),
      });
    } finally {
      await killAll();
    }
  }

  const results: BenchResults = {
    benchmark: '@switchboard/bench',
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    command: `pnpm bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: info,
    wallSeconds: (performance.now() - started) / 1000,
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))),
    scenarios: outcomes,
    checks: outcomes.flatMap((o) => o.checks),
  };
  process.stdout.write(`\n${renderText(results)}\n`);
  for (const file of writeResults(results)) progress(`wrote ${file}`);
  if (
    options.docs &&
    !options.quick &&
    !options.only &&
    !options.targets &&
    !options.subscribers &&
    !options.publishers
  ) {
    if (updateDocs(results)) progress('updated docs/performance.md');
    else progress('docs/performance.md has no bench:results markers; not updated');
  }
  return outcomes.some((o) => o.error) ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping child processes`);
    killAll().finally(() => process.exit(130));
  });
}
process.on('exit', killAllSync);

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch(async (error: unknown) => {
    progress(formatError(error));
    await killAll();
    process.exitCode = 1;
  })
  .finally(() => {
    // IPC channels of killed children are closed by now; nothing should keep us alive.
    setTimeout(() => process.exit(), 200).unref();
  });
