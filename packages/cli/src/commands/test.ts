import type { WelcomeFrame } from '@switchboard/protocol';
import type { Command } from 'commander';
import { parseDurationMs } from '../arguments.ts';
import { CliError, describeError, ExitCode } from '../exit-codes.ts';
import { addClientOptions, type ClientFlags, createClient } from '../hub/client.ts';
import { out } from '../output.ts';

interface TestFlags extends ClientFlags {
  heartbeat?: number;
  json?: boolean;
}

/** Round trip of one application-level ping, ms. */
async function ping(client: ReturnType<typeof createClient>): Promise<number> {
  const started = performance.now();
  await client.sendAndWait({ type: 'ping', ts: Date.now() });
  return performance.now() - started;
}

export function registerTest(program: Command): void {
  const command = program
    .command('test')
    .description('connect, check hello/welcome and a ping round trip, disconnect; prints a verdict')
    .argument('[url]', 'hub URL (default --url)')
    .option(
      '--heartbeat <ms>',
      'also stay connected this long (heartbeats on at this interval) and ping again',
      parseDurationMs,
    )
    .option('--json', 'print the verdict as JSON');
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nExits 0 on PASS, 3 when the hub cannot be reached or does not answer in time, 4 when it refuses.',
    )
    .action((url: string | undefined, flags: TestFlags) => test(url ?? flags.url, flags));
}

async function test(url: string, flags: TestFlags): Promise<void> {
  const client = createClient(flags, {
    url,
    ...(flags.heartbeat === undefined ? {} : { heartbeatIntervalMs: flags.heartbeat }),
  });
  let welcome: WelcomeFrame | undefined;
  client.on('connected', (frame) => {
    welcome = frame;
  });
  const started = performance.now();
  const steps: Record<string, number> = {};
  try {
    await client.connect();
    steps.connectMs = performance.now() - started;
    steps.pingMs = await ping(client);
    if (flags.heartbeat !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, flags.heartbeat));
      if (!client.isConnected) {
        throw new CliError(
          `the connection dropped while idle for ${flags.heartbeat} ms`,
          ExitCode.UNREACHABLE,
        );
      }
      steps.idleMs = flags.heartbeat;
      steps.secondPingMs = await ping(client);
    }
  } catch (error) {
    await client.disconnect();
    if (flags.json) out.json({ ok: false, url, error: describeError(error) });
    else out.line(`FAIL ${url}: ${describeError(error)}`);
    throw error;
  }
  await client.disconnect();
  const verdict = {
    ok: true,
    url,
    protocolVersion: welcome?.version,
    server: welcome?.server,
    principal: welcome?.principal?.id ?? null,
    heartbeatIntervalMs: welcome?.heartbeatIntervalMs,
    ...steps,
  };
  if (flags.json) {
    out.json(verdict);
    return;
  }
  const idle =
    steps.idleMs === undefined
      ? ''
      : `, idle ${steps.idleMs} ms then ping ${steps.secondPingMs!.toFixed(1)} ms`;
  out.line(
    `PASS ${url}: ${welcome?.server.name} ${welcome?.server.version}, protocol v${welcome?.version}, ` +
      `principal ${verdict.principal ?? 'anonymous'}; welcome in ${steps.connectMs!.toFixed(1)} ms, ` +
      `ping ${steps.pingMs!.toFixed(1)} ms${idle}`,
  );
}
