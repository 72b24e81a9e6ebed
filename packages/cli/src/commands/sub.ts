import type { EventFrame } from '@switchboard/client';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { Command } from 'commander';
import { parseDurationMs, parseSince, positiveInteger } from '../arguments.ts';
import { addClientOptions, type ClientFlags, createClient } from '../hub/client.ts';
import { lifetime } from '../lifetime.ts';
import { out } from '../output.ts';

interface SubFlags extends ClientFlags {
  since?: number | 'last';
  json?: boolean;
  count?: number;
  duration?: number;
}

/** `--json`: the event as the hub sent it, minus the frame type. */
function eventJson(event: EventFrame): Record<string, unknown> {
  const { type: _type, ...rest } = event;
  return rest;
}

function eventLine(event: EventFrame): string {
  const replay = event.replay ? ' (replay)' : '';
  return `${event.topic} #${event.sequenceNumber} @${event.offset}${replay} ${JSON.stringify(event.data)}`;
}

export function registerSub(program: Command): void {
  const command = program
    .command('sub')
    .description('subscribe and print events as they come (reconnects and resumes on its own)')
    .argument('<pattern...>', 'patterns, e.g. "agent.*.status" "task.#"')
    .option(
      '--since <offset|last>',
      "start from history: after this offset, or each topic's last value",
      parseSince,
    )
    .option('--json', 'one JSON object per line (for piping)')
    .option('-n, --count <n>', 'exit 0 after this many events', positiveInteger)
    .option('--duration <ms>', 'exit 0 after this long (500, 5s, 2m)', parseDurationMs);
  addClientOptions(command)
    .addHelpText(
      'after',
      '\nExample: switchboard sub "agent.*.status" --since last --json | jq .data',
    )
    .action((patterns: string[], flags: SubFlags) => sub(patterns, flags));
}

async function sub(patterns: string[], flags: SubFlags): Promise<void> {
  // Reconnects resume from the last event printed (the client sends its position).
  const client = createClient(flags, { reconnect: true });
  const life = lifetime({ durationMs: flags.duration });
  let received = 0;
  client.on('event', (event) => {
    if (flags.count !== undefined && received >= flags.count) return;
    received += 1;
    if (flags.json) out.json(eventJson(event));
    else out.line(eventLine(event));
    if (received === flags.count) life.stop('done');
  });
  client.on('disconnected', ({ code, willReconnect }) => {
    if (willReconnect) out.note(`disconnected (${code}), reconnecting`);
  });
  client.on('resync-required', (info) =>
    out.note(`history could not fill a gap (${info.reason}); events may be missing`),
  );
  client.on('dropped', (frame) =>
    out.note(
      `the hub dropped ${frame.count} event(s) for this slow reader; fetching them from history`,
    ),
  );
  client.on('error', (error) => out.note(`${error.code}: ${error.message}`));
  const failed = new Promise<never>((_, reject) =>
    client.on('reconnect-failed', ({ error }) =>
      reject(error ?? new SwitchboardError(ErrorCode.CONNECTION_CLOSED, 'gave up reconnecting')),
    ),
  );
  failed.catch(() => {}); // raced below; it may also fire after the command is done
  try {
    await client.connect();
    await client.subscribe(patterns, flags.since === undefined ? {} : { since: flags.since });
    await Promise.race([life.stopped, failed]);
  } finally {
    life.dispose();
    await client.disconnect();
  }
}
