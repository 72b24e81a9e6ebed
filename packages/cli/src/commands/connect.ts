import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { Command } from 'commander';
import { parseDurationMs } from '../arguments.ts';
import { addClientOptions, type ClientFlags, createClient } from '../hub/client.ts';
import { lifetime } from '../lifetime.ts';
import { out } from '../output.ts';

interface ConnectFlags extends ClientFlags {
  name?: string;
  heartbeat?: number;
  duration?: number;
  json?: boolean;
}

export function registerConnect(program: Command): void {
  const command = program
    .command('connect')
    .description(
      'keep a connection open and print its lifecycle: connected, disconnected, reconnecting',
    )
    .argument('[url]', 'hub URL (default --url)')
    .option(
      '--name <name>',
      "client name sent in hello (shown in the hub's logs)",
      '@switchboard/cli',
    )
    .option('--heartbeat <ms>', "ping interval (default: the hub's)", parseDurationMs)
    .option('--duration <ms>', 'disconnect and exit 0 after this long', parseDurationMs)
    .option('--json', 'one JSON object per lifecycle event');
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nStops on Ctrl-C (exit 0). Exits 3 or 4 when the first connect fails or reconnecting gives up.',
    )
    .action((url: string | undefined, flags: ConnectFlags) => connect(url ?? flags.url, flags));
}

async function connect(url: string, flags: ConnectFlags): Promise<void> {
  const client = createClient(flags, {
    url,
    reconnect: true,
    ...(flags.name ? { clientName: flags.name } : {}),
    ...(flags.heartbeat === undefined ? {} : { heartbeatIntervalMs: flags.heartbeat }),
  });
  const print = (event: string, fields: Record<string, unknown>, text: string) => {
    if (flags.json) out.json({ event, at: new Date().toISOString(), ...fields });
    else out.line(`${new Date().toISOString().slice(11, 23)} ${text}`);
  };
  client.on('connected', (w) =>
    print(
      'connected',
      { connectionId: w.connectionId, principal: w.principal?.id ?? null, version: w.version },
      `connected ${w.connectionId} as ${w.principal?.id ?? 'anonymous'} (protocol v${w.version}, ${w.server.name} ${w.server.version})`,
    ),
  );
  client.on('disconnected', ({ code, reason, willReconnect }) =>
    print(
      'disconnected',
      { code, reason, willReconnect },
      `disconnected ${code}${reason ? ` "${reason}"` : ''}${willReconnect ? ', will reconnect' : ''}`,
    ),
  );
  client.on('reconnecting', ({ attempt, delayMs }) =>
    print(
      'reconnecting',
      { attempt, delayMs },
      `reconnecting: attempt ${attempt} in ${Math.round(delayMs)} ms`,
    ),
  );
  client.on('error', (error) =>
    print(
      'error',
      { code: error.code, message: error.message },
      `error ${error.code}: ${error.message}`,
    ),
  );
  const gaveUp = new Promise<never>((_, reject) =>
    client.on('reconnect-failed', ({ attempts, error }) => {
      const cause =
        error ?? new SwitchboardError(ErrorCode.CONNECTION_CLOSED, 'gave up reconnecting');
      print(
        'reconnect-failed',
        { attempts, code: cause.code },
        `gave up after ${attempts} attempt(s): ${cause.code}`,
      );
      reject(cause);
    }),
  );
  gaveUp.catch(() => {}); // raced below; it may also fire after the command is done
  const life = lifetime({ durationMs: flags.duration });
  try {
    await client.connect();
    await Promise.race([life.stopped, gaveUp]);
  } finally {
    life.dispose();
    await client.disconnect();
    print('closed', {}, 'closed');
  }
}
