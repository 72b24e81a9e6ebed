import { type Command, Option } from 'commander';
import { parseDurationMs } from '../arguments.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { DEFAULT_URL } from '../hub/client.ts';
import { hubUrl } from '../hub/endpoints.ts';
import { type HubReports, readReports } from '../hub/reports.ts';
import { tlsTrust } from '../hub/tls-trust.ts';
import { formatCount, out, table } from '../output.ts';

interface StatusFlags {
  url: string;
  json?: boolean;
  stats: boolean;
  verbose?: boolean;
  ca?: string;
  insecure?: boolean;
  timeout: number;
}

/** Options of the commands that read a hub's HTTP endpoints (status, monitor). */
export function addHttpOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'hub URL, when not given as an argument')
        .env('SWITCHBOARD_URL')
        .default(DEFAULT_URL),
    )
    .option('--ca <file>', 'PEM file of the CA to trust for https:// hubs')
    .option('--insecure', 'accept any TLS certificate')
    .addOption(
      new Option('--timeout <ms>', 'wait at most this long for each answer')
        .argParser(parseDurationMs)
        .default(5_000),
    );
}

function render(reports: HubReports, flags: StatusFlags): string {
  const { health, stats } = reports;
  const rows: (string | number)[][] = [
    ['status', health.status],
    ['name', health.name],
    ['connections', formatCount(health.connections)],
    ['uptime', `${health.uptimeSeconds} s`],
  ];
  if (stats) {
    rows.push(
      ['subscriptions', formatCount(stats.subscriptions)],
      ['topics', formatCount(stats.topics)],
      ['published', formatCount(stats.published)],
      ['delivered', formatCount(stats.delivered)],
      ['dropped', formatCount(stats.dropped)],
      ['messages in', formatCount(stats.messagesIn)],
      ['messages out', formatCount(stats.messagesOut)],
      ['paused reads', formatCount(stats.pausedReads)],
      ['read pauses', formatCount(stats.readPauses)],
    );
  }
  if (flags.verbose) {
    rows.push(['health url', `${reports.urls.health} (${reports.elapsedMs.health.toFixed(1)} ms)`]);
    if (reports.elapsedMs.stats !== undefined) {
      rows.push(['stats url', `${reports.urls.stats} (${reports.elapsedMs.stats.toFixed(1)} ms)`]);
    }
  }
  return table(rows);
}

export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description("a hub's health and stats, from its HTTP /health and /stats")
    .argument('[url]', 'hub URL (ws://, wss://, http://, https://)')
    .option('--json', 'print { health, stats } as JSON')
    .option('--stats', 'include /stats (the default)', true)
    .option('--no-stats', 'only /health')
    .option('-v, --verbose', 'also the URLs read and how long each took');
  addHttpOptions(command)
    .addHelpText(
      'after',
      '\nExits 0 when the hub is ok, 1 when it is draining, 3 when it cannot be reached.',
    )
    .action((url: string | undefined, flags: StatusFlags) => status(url ?? flags.url, flags));
}

async function status(url: string, flags: StatusFlags): Promise<void> {
  const reports = await readReports(hubUrl(url), tlsTrust(flags), flags.timeout, {
    stats: flags.stats,
  });
  if (flags.json) {
    out.json({ health: reports.health, ...(reports.stats ? { stats: reports.stats } : {}) });
  } else {
    out.line(render(reports, flags));
  }
  if (reports.health.status !== 'ok') {
    throw new CliError(`hub is ${reports.health.status}`, ExitCode.FAILURE);
  }
}
