import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { type Command, Option } from 'commander';
import { createHub } from '../config/hub.ts';
import { camel, loadConfig } from '../config/load.ts';
import type { HubConfig } from '../config/schema.ts';
import { CONFIG_ENV, SETTINGS } from '../config/settings.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { lifetime } from '../lifetime.ts';
import { out } from '../output.ts';

interface ServeFlags {
  config?: string;
  printConfig?: boolean;
  verbose?: boolean;
  [setting: string]: string | boolean | undefined;
}

/** The resolved config with secrets blanked, for `--print-config`. */
function redacted(config: HubConfig): HubConfig {
  const copy = structuredClone(config);
  for (const entry of copy.auth.tokens ?? []) entry.token = '***';
  if (copy.auth.jwt?.secret) copy.auth.jwt.secret = '***';
  if (copy.tls?.passphrase) copy.tls.passphrase = '***';
  if (copy.admin.token) copy.admin.token = '***';
  if (copy.engine.type === 'redis') copy.engine.url = redactedUrl(copy.engine.url);
  return copy;
}

/** A redis:// URL without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}

function authSummary(config: HubConfig): string {
  const tokens = config.auth.tokens?.length;
  if (tokens) return `auth: ${tokens} static token(s); clients without one are refused`;
  if (config.auth.jwt) return 'auth: JWT; clients without a valid token are refused';
  return config.auth.allowAnonymous
    ? 'auth: none, anonymous clients allowed (allowAnonymous)'
    : 'auth: none, anonymous clients on loopback only';
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('run a hub from a config file, SWITCHBOARD_* variables and flags')
    .addOption(new Option('-c, --config <file>', 'JSON config file').env(CONFIG_ENV))
    .option('--print-config', 'print the resolved config (tokens blanked) and exit')
    .option('-v, --verbose', 'log connections and disconnections to stderr');
  for (const setting of SETTINGS) {
    if (setting.flag === undefined) continue;
    const value =
      { boolean: '', integer: ' <n>', path: ' <file>' }[setting.kind as string] ?? ' <value>';
    command.option(`--${setting.flag}${value}`, `${setting.description} (${setting.env})`);
  }
  command
    .addHelpText(
      'after',
      '\nPrecedence: flags > SWITCHBOARD_* variables > config file > defaults.\n' +
        'A bad value exits 2 naming the field, e.g. config.limits.maxConnections.',
    )
    .action((flags: ServeFlags) => serve(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  const settingFlags: Record<string, string | boolean | undefined> = {};
  for (const setting of SETTINGS) {
    if (setting.flag) settingFlags[camel(setting.flag)] = flags[camel(setting.flag)];
  }
  // The env is read by loadConfig itself (SWITCHBOARD_CONFIG included), so precedence is one place.
  const { config } = loadConfig({ file: flags.config, env: process.env, flags: settingFlags });
  if (flags.printConfig) {
    out.line(JSON.stringify(redacted(config), null, 2));
    return;
  }
  const hub = createHub(config);
  hub.server.on('error', (error) => out.note(`hub error: ${error.message}`));
  if (flags.verbose) {
    hub.server.on('authenticated', (client) =>
      out.note(`connected ${client.id} as ${client.principal?.id ?? 'anonymous'}`),
    );
    hub.server.on('disconnection', (client, code) =>
      out.note(`disconnected ${client.id} (${code})`),
    );
  }
  const life = lifetime();
  let urls: Awaited<ReturnType<typeof hub.start>>;
  try {
    urls = await hub.start();
  } catch (error) {
    life.dispose();
    const { code, message } = error as NodeJS.ErrnoException;
    if (error instanceof TypeError) throw new CliError(`config: ${message}`, ExitCode.USAGE);
    if (error instanceof SwitchboardError && error.code === ErrorCode.NOT_CONNECTED) {
      // The engine opens before the hub listens: a Redis that does not answer ends here.
      throw new CliError(
        `cannot open the ${config.engine.type} engine: ${message}`,
        ExitCode.UNREACHABLE,
        {
          cause: error,
        },
      );
    }
    throw new CliError(
      `cannot listen on ${config.host}:${config.port}: ${code ?? ''} ${message}`.replace(
        / {2}/,
        ' ',
      ),
      ExitCode.FAILURE,
      { cause: error },
    );
  }
  out.line(`switchboard listening on ${urls.url}`);
  out.line(`health and stats: ${urls.health} and /stats`);
  if (urls.admin) out.line(`admin page: ${urls.admin} (asks for the admin token)`);
  if (config.metrics) out.line(`metrics: ${urls.health.replace(/\/health$/, '/metrics')}`);
  if (config.engine.type === 'redis') out.note(`engine: redis, log "${config.engine.keyPrefix}"`);
  out.note(authSummary(config));
  await life.stopped;
  out.note(`draining ${hub.server.getConnectedClients().length} connection(s)...`);
  await hub.stop();
  life.dispose();
  out.note('stopped');
}
