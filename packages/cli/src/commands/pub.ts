import type { PublishResult, WSClient } from '@switchboard/client';
import { checkTopic } from '@switchboard/protocol';
import type { Command } from 'commander';
import { usageError } from '../exit-codes.ts';
import { addClientOptions, type ClientFlags, connectClient } from '../hub/client.ts';
import { out } from '../output.ts';
import { parseJson, readPayload } from '../payload-input.ts';

interface PubFlags extends ClientFlags {
  text?: boolean;
  lines?: boolean;
  id?: string;
  json?: boolean;
}

export function assertTopic(topic: string): void {
  const check = checkTopic(topic);
  if (!check.ok) throw usageError(`topic "${topic}": ${check.reason}`);
}

function printAck(topic: string, ack: PublishResult, json: boolean | undefined): void {
  if (json) {
    out.json({ topic, ...ack });
    return;
  }
  const duplicate = ack.duplicate ? ' duplicate (already in the log; not stored again)' : '';
  out.line(
    `published ${topic} offset=${ack.offset} sequence=${ack.sequenceNumber} epoch=${ack.epoch}${duplicate}`,
  );
}

/** Publishes, then prints each ack once all are in; the client keeps them in order. */
async function publishAll(client: WSClient, topic: string, payloads: unknown[], flags: PubFlags) {
  const acks = await Promise.all(
    payloads.map((data, i) =>
      client.publish(
        topic,
        data,
        flags.id === undefined
          ? {}
          : { id: payloads.length > 1 ? `${flags.id}-${i + 1}` : flags.id },
      ),
    ),
  );
  for (const ack of acks) printAck(topic, ack, flags.json);
}

export function registerPub(program: Command): void {
  const command = program
    .command('pub')
    .description('publish one message (or one per line with --lines) and print the ack')
    .argument('<topic>', 'concrete topic, e.g. agent.42.status')
    .argument('<payload>', 'JSON text, @file (JSON from a file) or - (JSON from stdin)')
    .option('--text', 'send the payload as a string instead of parsing JSON')
    .option('--lines', 'one message per non-empty line (JSON lines, or text with --text)')
    .option('--id <id>', 'message id, so a retry is recognized as a duplicate (default: random)')
    .option('--json', 'print each ack as a JSON line');
  addClientOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  switchboard pub agent.42.status '{"state":"busy"}'
  switchboard pub task.7.log @progress.json
  switchboard sub 'task.#' --json --count 10 | jq -c .data | switchboard pub copy.task - --lines`,
    )
    .action((topic: string, payload: string, flags: PubFlags) => pub(topic, payload, flags));
}

async function pub(topic: string, payload: string, flags: PubFlags): Promise<void> {
  assertTopic(topic);
  let payloads: unknown[];
  if (flags.lines) {
    const body = (await readPayload(payload, { asText: true, what: 'payload' })) as string;
    payloads = body
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, i) => (flags.text ? line : parseJson(line, `payload line ${i + 1}`)));
    if (payloads.length === 0) throw usageError('payload: --lines found no line to publish');
  } else {
    payloads = [await readPayload(payload, { asText: flags.text ?? false, what: 'payload' })];
  }
  const client = await connectClient(flags);
  try {
    await publishAll(client, topic, payloads, flags);
  } finally {
    await client.disconnect();
  }
}
