import { isValidTopic } from '@switchboard/protocol';
import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, connectClient } from '../hub/client.ts';
import { out } from '../output.ts';
import { parseJson } from '../payload-input.ts';
import { assertTopic } from './pub.ts';

interface SendFlags extends ClientFlags {
  type?: string;
  json?: boolean;
}

/** Topic of a `send` without `--type`. */
export const DEFAULT_SEND_TOPIC = 'message';

/**
 * The seed's `send`: a publish. The topic is `--type`, else the `type` field of a JSON
 * message when it is a valid topic, else `message`; the data is the message (text, or the
 * parsed JSON with `--json`).
 */
export function sendTarget(message: string, flags: Pick<SendFlags, 'type' | 'json'>) {
  const data: unknown = flags.json ? parseJson(message, 'message') : message;
  const fromData = (data as { type?: unknown } | null)?.type;
  const topic =
    flags.type ??
    (flags.json && typeof fromData === 'string' && isValidTopic(fromData)
      ? fromData
      : DEFAULT_SEND_TOPIC);
  return { topic, data };
}

export function registerSend(program: Command): void {
  const command = program
    .command('send')
    .description('the seed CLI\'s send: publish a message on topic --type (default "message")')
    .argument('<message>', 'text, or JSON with --json')
    .option(
      '--type <topic>',
      'topic to publish on (default: the JSON message\'s "type", else "message")',
    )
    .option('--json', 'parse the message as JSON');
  addClientOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  switchboard send "Hello WebSocket"                          # topic message, data "Hello WebSocket"
  switchboard send "Task update" --type task_update           # topic task_update
  switchboard send '{"type":"test","data":"hello"}' --json    # topic test, data the whole object`,
    )
    .action(async (message: string, flags: SendFlags) => {
      const { topic, data } = sendTarget(message, flags);
      assertTopic(topic);
      const client = await connectClient(flags);
      try {
        const ack = await client.publish(topic, data);
        out.line(
          `sent ${topic} offset=${ack.offset} sequence=${ack.sequenceNumber} epoch=${ack.epoch}`,
        );
      } finally {
        await client.disconnect();
      }
    });
}
