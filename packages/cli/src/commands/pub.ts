import { createInterface } from 'node:readline';
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

/** Each message's id with `--id`: the id itself for one message, `<id>-<n>` for lines. */
function idFor(flags: PubFlags, n: number | undefined): { id?: string } {
  if (flags.id === undefined) return {};
  return { id: n === undefined ? flags.id : `${flags.id}-${n}` };
}

function lineData(line: string, n: number, flags: PubFlags): unknown {
  return flags.text ? line : parseJson(line, `payload line ${n}`);
}

/**
 * `- --lines`: publishes each line of stdin as it arrives (so `sub --json | pub - --lines`
 * is a live bridge) and prints the acks in order. A bad line or a refused publish stops it;
 * what was published before is acknowledged first.
 */
async function publishStdinLines(client: WSClient, topic: string, flags: PubFlags) {
  let printed: Promise<void> = Promise.resolve();
  let failed = false;
  let n = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (failed) break;
    if (line.trim() === '') continue;
    n += 1;
    let data: unknown;
    try {
      data = lineData(line, n, flags);
    } catch (error) {
      await printed;
      throw error;
    }
    const ack = client.publish(topic, data, idFor(flags, n));
    // Awaited in order below; marked handled now, so an early refusal is not "unhandled".
    ack.catch(() => {
      failed = true;
    });
    printed = printed.then(async () => printAck(topic, await ack, flags.json));
  }
  await printed;
  if (n === 0) throw usageError('payload: --lines found no line on stdin to publish');
}

export function registerPub(program: Command): void {
  const command = program
    .command('pub')
    .description('publish one message (or one per line with --lines) and print the ack')
    .argument('<topic>', 'concrete topic, e.g. agent.42.status')
    .argument('<payload>', 'JSON text, @file (JSON from a file) or - (JSON from stdin)')
    .option('--text', 'send the payload as a string instead of parsing JSON')
    .option(
      '--lines',
      'one message per non-empty line (JSON lines, or text with --text); from stdin as they come',
    )
    .option('--id <id>', 'message id, so a retry is recognized as a duplicate (default: random)')
    .option('--json', 'print each ack as a JSON line');
  addClientOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  switchboard pub agent.42.status '{"state":"busy"}'
  switchboard pub task.7.log @progress.json
  switchboard sub 'task.#' --json | jq -c .data --unbuffered | switchboard pub copy.task - --lines`,
    )
    .action((topic: string, payload: string, flags: PubFlags) => pub(topic, payload, flags));
}

async function pub(topic: string, payload: string, flags: PubFlags): Promise<void> {
  assertTopic(topic);
  if (flags.lines && payload === '-') {
    const client = await connectClient(flags);
    try {
      await publishStdinLines(client, topic, flags);
    } finally {
      await client.disconnect();
    }
    return;
  }
  let payloads: unknown[];
  if (flags.lines) {
    const body = (await readPayload(payload, { asText: true, what: 'payload' })) as string;
    payloads = body
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, i) => lineData(line, i + 1, flags));
    if (payloads.length === 0) throw usageError('payload: --lines found no line to publish');
  } else {
    payloads = [await readPayload(payload, { asText: flags.text ?? false, what: 'payload' })];
  }
  const client = await connectClient(flags);
  try {
    const single = payloads.length === 1 && !flags.lines;
    const acks = await Promise.all(
      payloads.map((data, i) =>
        client.publish(topic, data, idFor(flags, single ? undefined : i + 1)),
      ),
    );
    for (const ack of acks) printAck(topic, ack, flags.json);
  } finally {
    await client.disconnect();
  }
}
