import type { WSClient } from '@switchboard/client';
import { type Command, Option } from 'commander';
import { parseDurationMs, positiveInteger } from '../arguments.ts';
import { CliError, describeError, ExitCode } from '../exit-codes.ts';
import { BusiestTopics } from '../hub/busiest-topics.ts';
import { connectClient } from '../hub/client.ts';
import { hubUrl } from '../hub/endpoints.ts';
import { type Rates, ratesBetween } from '../hub/rates.ts';
import { readReports, type StatsReport } from '../hub/reports.ts';
import { tlsTrust } from '../hub/tls-trust.ts';
import { lifetime } from '../lifetime.ts';
import { formatCount, out, table } from '../output.ts';
import { addHttpOptions } from './status.ts';

interface MonitorFlags {
  url: string;
  interval: number;
  duration?: number;
  stats?: boolean;
  verbose?: boolean;
  json?: boolean;
  topics?: number;
  token?: string;
  ca?: string;
  insecure?: boolean;
  timeout: number;
}

/** One hub's reading at one tick. */
interface Sample {
  url: string;
  at: number;
  health?: { status: string; connections: number };
  stats?: StatsReport;
  rates?: Rates;
  pollMs?: number;
  topics?: { topic: string; perSecond: number }[];
  error?: string;
}

function rate(sample: Sample, counter: keyof Rates): string {
  return sample.rates ? formatCount(sample.rates[counter]) : '-';
}

function renderTable(samples: Sample[], flags: MonitorFlags): string {
  const header = [
    'hub',
    'status',
    'conns',
    'subs',
    'topics',
    'pub/s',
    'deliv/s',
    'drop/s',
    'in/s',
    'out/s',
    'paused',
  ];
  if (flags.stats) header.push('published', 'delivered', 'dropped', 'readPauses');
  if (flags.verbose) header.push('poll ms');
  const rows: string[][] = [header];
  for (const s of samples) {
    if (s.error || !s.stats || !s.health) {
      rows.push([s.url, `unreachable: ${s.error ?? 'no answer'}`]);
      continue;
    }
    const row = [
      s.url,
      s.health.status,
      formatCount(s.stats.connections),
      formatCount(s.stats.subscriptions),
      formatCount(s.stats.topics),
      rate(s, 'published'),
      rate(s, 'delivered'),
      rate(s, 'dropped'),
      rate(s, 'messagesIn'),
      rate(s, 'messagesOut'),
      formatCount(s.stats.pausedReads),
    ];
    if (flags.stats) {
      row.push(
        ...(['published', 'delivered', 'dropped', 'readPauses'] as const).map((k) =>
          formatCount(s.stats![k]),
        ),
      );
    }
    if (flags.verbose) row.push((s.pollMs ?? 0).toFixed(1));
    rows.push(row);
  }
  let text = table(rows);
  for (const s of samples) {
    if (!s.topics || s.topics.length === 0) continue;
    text += `\n\nbusiest topics on ${s.url} (events/s seen by the monitor)\n`;
    text += table(s.topics.map((t) => [t.topic, formatCount(t.perSecond)]));
  }
  return text;
}

/** One line per hub per tick, for logs and pipes (no cursor movement). */
function renderLine(s: Sample, flags: MonitorFlags): string {
  const time = new Date(s.at).toISOString().slice(11, 19);
  if (s.error || !s.stats || !s.health)
    return `${time} ${s.url} unreachable: ${s.error ?? 'no answer'}`;
  const parts = [
    `${time} ${s.url} ${s.health.status}`,
    `conns=${s.stats.connections}`,
    `subs=${s.stats.subscriptions}`,
    `pub/s=${rate(s, 'published')}`,
    `deliv/s=${rate(s, 'delivered')}`,
    `drop/s=${rate(s, 'dropped')}`,
    `paused=${s.stats.pausedReads}`,
  ];
  if (flags.stats) {
    parts.push(
      `published=${s.stats.published}`,
      `delivered=${s.stats.delivered}`,
      `dropped=${s.stats.dropped}`,
    );
  }
  if (flags.verbose) parts.push(`poll=${(s.pollMs ?? 0).toFixed(1)}ms`);
  if (s.topics?.length)
    parts.push(`top=${s.topics.map((t) => `${t.topic}:${formatCount(t.perSecond)}`).join(',')}`);
  return parts.join(' ');
}

export function registerMonitor(program: Command): void {
  const command = program
    .command('monitor')
    .description('a live view of hubs, refreshed every second: connections, rates, drops')
    .argument('[urls...]', 'hub URLs (default --url)')
    .option('--interval <ms>', 'time between readings', parseDurationMs, 1_000)
    .option('--duration <ms>', 'stop after this long (default: until Ctrl-C)', parseDurationMs)
    .option('--stats', 'also the cumulative counters (published, delivered, dropped, read pauses)')
    .option('-v, --verbose', 'also how long each /stats reading took')
    .option('--json', 'one JSON object per hub per reading')
    .option(
      '--topics <n>',
      'busiest topics, seen through a "#" subscription (needs a token allowed to)',
      positiveInteger,
    )
    .addOption(new Option('--token <token>', 'token for --topics').env('SWITCHBOARD_TOKEN'));
  addHttpOptions(command)
    .addHelpText(
      'after',
      '\nOn a terminal the view is redrawn in place; otherwise a line per hub per reading.',
    )
    .action((urls: string[], flags: MonitorFlags) =>
      monitor(urls.length ? urls : [flags.url], flags),
    );
}

async function monitor(urls: string[], flags: MonitorFlags): Promise<void> {
  const hubs = urls.map((url) => ({
    label: url,
    url: hubUrl(url),
    previous: undefined as Sample | undefined,
  }));
  const trust = tlsTrust(flags);
  const watchers: { client: WSClient; topics: BusiestTopics }[] = [];
  if (flags.topics) {
    for (const hub of hubs) {
      const client = await connectClient({ ...flags, url: hub.url.href }, { reconnect: true });
      await client.subscribe('#');
      watchers.push({ client, topics: new BusiestTopics(client) });
    }
  }
  const life = lifetime({ durationMs: flags.duration });
  const redraw = process.stdout.isTTY === true && !flags.json;
  let answered = false;
  let stopped = false;
  void life.stopped.then(() => {
    stopped = true;
  });
  try {
    while (!stopped) {
      const samples = await Promise.all(hubs.map((hub, i) => read(hub, i)));
      if (flags.json) for (const s of samples) out.json(s);
      else if (redraw) out.line(`\x1b[H\x1b[2J${renderTable(samples, flags)}`);
      else for (const s of samples) out.line(renderLine(s, flags));
      await Promise.race([life.stopped, new Promise((r) => setTimeout(r, flags.interval))]);
    }
  } finally {
    life.dispose();
    await Promise.all(watchers.map((w) => w.client.disconnect()));
  }
  if (!answered) throw new CliError(`no hub answered at ${urls.join(', ')}`, ExitCode.UNREACHABLE);

  async function read(hub: (typeof hubs)[number], index: number): Promise<Sample> {
    const at = Date.now();
    try {
      const reports = await readReports(hub.url, trust, flags.timeout, { stats: true });
      answered = true;
      const sample: Sample = {
        url: hub.label,
        at,
        health: { status: reports.health.status, connections: reports.health.connections },
        stats: reports.stats!,
        pollMs: reports.elapsedMs.stats ?? reports.elapsedMs.health,
      };
      if (hub.previous?.stats) {
        sample.rates = ratesBetween(
          { stats: hub.previous.stats, at: hub.previous.at },
          { stats: sample.stats!, at },
        );
        const watcher = watchers[index];
        if (watcher)
          sample.topics = watcher.topics.take(flags.topics!, (at - hub.previous.at) / 1000);
      }
      hub.previous = sample;
      return sample;
    } catch (error) {
      return { url: hub.label, at, error: describeError(error) };
    }
  }
}
