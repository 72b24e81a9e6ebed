/**
 * Writes config.schema.json from the zod schema of the serve config.
 *
 *   pnpm --filter @switchboard/cli schema    regenerate it
 *
 * `src/config/json-schema.test.ts` fails when the file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderConfigJsonSchema } from '../src/config/json-schema.ts';

const target = fileURLToPath(new URL('../config.schema.json', import.meta.url));
const text = renderConfigJsonSchema();
await writeFile(target, text);
console.log(`Wrote packages/cli/config.schema.json (${Buffer.byteLength(text)} bytes).`);
