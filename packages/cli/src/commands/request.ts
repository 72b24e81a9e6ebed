import type { Command } from 'commander';
import { addClientOptions, type ClientFlags, connectClient } from '../hub/client.ts';
import { out } from '../output.ts';
import { readPayload } from '../payload-input.ts';

interface RequestFlags extends ClientFlags {
  text?: boolean;
  json?: boolean;
}

export function registerRequest(program: Command): void {
  const command = program
    .command('request')
    .alias('req')
    .description("call a route handler on the hub and print the response's data")
    .argument('<method>', 'method name, e.g. tasks.count')
    .argument('[payload]', 'JSON text, @file or - (stdin); null when absent')
    .option('--text', 'send the payload as a string instead of parsing JSON')
    .option('--json', 'print the data on one line (default: indented)');
  addClientOptions(command)
    .addHelpText(
      'after',
      "\nAn error answer prints CODE: message to stderr and exits 4 (refused) or 5 (the hub's error).\n" +
        'Example: switchboard request tasks.count \'{"state":"open"}\'',
    )
    .action((method: string, payload: string | undefined, flags: RequestFlags) =>
      request(method, payload, flags),
    );
}

async function request(method: string, payload: string | undefined, flags: RequestFlags) {
  const data = await readPayload(payload, { asText: flags.text ?? false, what: 'payload' });
  const client = await connectClient(flags);
  try {
    const response = await client.request(method, data, { timeout: flags.timeout });
    out.line(flags.json ? JSON.stringify(response) : JSON.stringify(response, null, 2));
  } finally {
    await client.disconnect();
  }
}
