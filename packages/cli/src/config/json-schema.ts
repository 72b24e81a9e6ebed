import { z } from 'zod';
import { HubConfig } from './schema.ts';

/**
 * The JSON Schema of the config file, as written to `config.schema.json`. `io: 'input'`
 * describes what a file may contain (defaults make keys optional); the pattern checks are
 * refinements JSON Schema cannot express, so editors accept any string there and `serve`
 * reports the bad pattern.
 */
export function renderConfigJsonSchema(): string {
  const schema = z.toJSONSchema(HubConfig, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
