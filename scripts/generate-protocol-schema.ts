/**
 * Writes docs/protocol.schema.json from the zod schemas of @switchboard/protocol.
 *
 *   pnpm schema          regenerate the file
 *   pnpm schema:check    exit 1 if the file on disk is not what the schemas produce (CI)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderProtocolJsonSchema } from '../packages/protocol/src/json-schema.ts';

const target = fileURLToPath(new URL('../docs/protocol.schema.json', import.meta.url));
const shown = 'docs/protocol.schema.json';
const check = process.argv.includes('--check');

const { text, unrepresentable } = renderProtocolJsonSchema();
for (const part of unrepresentable) {
  console.warn(`warning: not representable in JSON Schema, emitted as {}: ${part}`);
}

if (check) {
  const current = await readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (current === undefined) {
    console.error(`${shown} is missing. Run \`pnpm schema\` and commit the result.`);
    process.exit(1);
  }
  if (current !== text) {
    const line = firstDifferentLine(current, text);
    console.error(
      `${shown} is out of date with the zod schemas in packages/protocol (first difference at line ${line}).\n` +
        'Run `pnpm schema` and commit the result.',
    );
    process.exit(1);
  }
  console.log(`${shown} is up to date.`);
} else {
  await writeFile(target, text);
  console.log(`Wrote ${shown} (${Buffer.byteLength(text)} bytes).`);
}

function firstDifferentLine(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return i + 1;
}
