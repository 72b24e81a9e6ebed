import type { Command } from 'commander';
import { parseDurationMs, positiveInteger } from '../arguments.ts';
import {
  type BenchPlan,
  type BenchProgress,
  type BenchResult,
  defaultPrefix,
  runBench,
} from '../bench/load.ts';
import { CliError, ExitCode, usageError } from '../exit-codes.ts';
import { addClientOptions, type ClientFlags } from '../hub/client.ts';
import { formatCount, out, table } from '../output.ts';
import { assertTopic } from './pub.ts';

interface BenchFlags extends ClientFlags {
  mode: 'fanout' | 'publishers';
  subscribers?: number;
  publishers?: number;
  size: number;
  duration: number;
  messages?: number;
  rate?: number;
  topic?: string;
  json?: boolean;
}

/** Counts each mode starts from; `--publishers` / `--subscribers` override them. */
const MODE_DEFAULTS = {
  fanout: { publishers: 1, subscribers: 10 },
  publishers: { publishers: 10, subscribers: 1 },
} as const;

function progressLine(p: BenchProgress): string {
  const seconds = p.elapsedMs / 1000;
  return (
    `[${seconds.toFixed(1)}s] published ${formatCount(p.acked)} (${formatCount(p.acked / seconds)}/s)` +
    ` delivered ${formatCount(p.delivered)} (${formatCount(p.delivered / seconds)}/s)` +
    (p.dropped ? ` dropped ${formatCount(p.dropped)}` : '') +
    (p.failed ? ` failed ${formatCount(p.failed)}` : '')
  );
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(2)} ms`;
}

/** The summary `--json` prints; the table shows the same figures. */
export function summary(result: BenchResult) {
  const { plan, latency } = result;
  const hasLatency = latency.count > 0;
  return {
    mode: plan.mode,
    publishers: plan.publishers,
    subscribers: plan.subscribers,
    sizeBytes: plan.size,
    durationMs: Math.round(result.elapsedMs),
    published: result.acked,
    publishFailures: result.failed,
    publishesPerSecond: result.acked / (result.elapsedMs / 1000),
    delivered: result.delivered,
    expectedDeliveries: result.expected,
    droppedByHub: result.dropped,
    deliveriesPerSecond: result.delivered / (result.deliveredForMs / 1000),
    latencyMs: {
      p50: hasLatency ? latency.percentile(50) / 1000 : null,
      p90: hasLatency ? latency.percentile(90) / 1000 : null,
      p99: hasLatency ? latency.percentile(99) / 1000 : null,
      max: hasLatency ? latency.max / 1000 : null,
    },
  };
}

function render(result: BenchResult): string {
  const s = summary(result);
  const l = result.latency;
  const latency = l.count > 0;
  return table([
    [
      'mode',
      `${s.mode} (${s.publishers} publisher(s), ${s.subscribers} subscriber(s), ${s.sizeBytes} B)`,
    ],
    ['duration', `${(s.durationMs / 1000).toFixed(2)} s`],
    ['published', `${formatCount(s.published)} (${formatCount(s.publishesPerSecond)}/s)`],
    ['delivered', `${formatCount(s.delivered)} (${formatCount(s.deliveriesPerSecond)}/s)`],
    ['expected', `${formatCount(s.expectedDeliveries)} (published x subscribers)`],
    ['dropped by hub', formatCount(s.droppedByHub)],
    ['publish failures', formatCount(s.publishFailures)],
    ['latency p50', latency ? ms(l.percentile(50)) : '-'],
    ['latency p90', latency ? ms(l.percentile(90)) : '-'],
    ['latency p99', latency ? ms(l.percentile(99)) : '-'],
    ['latency max', latency ? ms(l.max) : '-'],
  ]);
}

/** Runs a plan with a live progress line on stderr and prints the final table or JSON. */
export async function benchAndReport(plan: BenchPlan, flags: ClientFlags & { json?: boolean }) {
  const tty = process.stderr.isTTY === true;
  const result = await runBench(plan, flags, (progress) => {
    const line = progressLine(progress);
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else out.note(line);
  });
  if (tty) process.stderr.write('\n');
  if (flags.json) out.json(summary(result));
  else out.line(render(result));
  if (result.delivered === 0 && plan.subscribers > 0) {
    throw new CliError('nothing was delivered', ExitCode.FAILURE);
  }
}

function mode(value: string): 'fanout' | 'publishers' {
  if (value !== 'fanout' && value !== 'publishers') {
    throw usageError(`--mode: expected "fanout" or "publishers", got "${value}"`);
  }
  return value;
}

export function registerBench(program: Command): void {
  const command = program
    .command('bench')
    .description('load a hub and report throughput and publish-to-delivery latency')
    .argument('[url]', 'hub URL (default --url)')
    .option(
      '--mode <mode>',
      'fanout: 1 publisher to many subscribers; publishers: many to 1',
      mode,
      'fanout',
    )
    .option(
      '--subscribers <n>',
      'subscriber connections (fanout: 10, publishers: 1)',
      positiveInteger,
    )
    .option(
      '--publishers <n>',
      'publisher connections (fanout: 1, publishers: 10)',
      positiveInteger,
    )
    .option('--size <bytes>', 'bytes of data per message', positiveInteger, 100)
    .option('--duration <ms>', 'how long to publish (500, 5s, 1m)', parseDurationMs, 5_000)
    .option('--messages <n>', 'stop after this many messages in all', positiveInteger)
    .option(
      '--rate <n>',
      'messages per second over all publishers (default: as fast as acks come)',
      positiveInteger,
    )
    .option(
      '--topic <prefix>',
      'topic prefix; publishers use <prefix>.p<i> (default bench.<random>)',
    )
    .option('--json', 'print the summary as JSON');
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nLatency is measured in this process from just before publish() to the event, so\n' +
        'it includes the load generator: one Node process drives every connection.\n' +
        'Example: switchboard bench ws://127.0.0.1:8080 --mode fanout --subscribers 100 --duration 10s',
    )
    .action((url: string | undefined, flags: BenchFlags) => {
      const defaults = MODE_DEFAULTS[flags.mode];
      const prefix = flags.topic ?? defaultPrefix();
      assertTopic(`${prefix}.p0`);
      return benchAndReport(
        {
          mode: flags.mode,
          publishers: flags.publishers ?? defaults.publishers,
          subscribers: flags.subscribers ?? defaults.subscribers,
          size: flags.size,
          durationMs: flags.duration,
          messages: flags.messages,
          rate: flags.rate,
          prefix,
        },
        { ...flags, url: url ?? flags.url },
      );
    });
}

export function registerBenchmark(program: Command): void {
  const command = program
    .command('benchmark')
    .description(
      "the seed CLI's benchmark: --concurrency publishers send --messages to one subscriber",
    )
    .argument('[url]', 'hub URL (default --url)')
    .option('--messages <n>', 'messages in all', positiveInteger, 1_000)
    .option('--concurrency <n>', 'publisher connections', positiveInteger, 10)
    .option('--size <bytes>', 'bytes of data per message', positiveInteger, 256)
    .option('--json', 'print the summary as JSON');
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nSame as: switchboard bench --mode publishers --publishers <concurrency> --messages <n> --duration 10m',
    )
    .action(
      (
        url: string | undefined,
        flags: ClientFlags & {
          messages: number;
          concurrency: number;
          size: number;
          json?: boolean;
        },
      ) =>
        benchAndReport(
          {
            mode: 'publishers',
            publishers: flags.concurrency,
            subscribers: 1,
            size: flags.size,
            durationMs: 600_000,
            messages: flags.messages,
            prefix: defaultPrefix(),
          },
          { ...flags, url: url ?? flags.url },
        ),
    );
}
