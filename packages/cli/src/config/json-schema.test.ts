import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigJsonSchema } from './json-schema.ts';
import { SETTINGS } from './settings.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('config.schema.json', () => {
  it('is what the zod schema generates (run `pnpm --filter @switchboard/cli schema`)', () => {
    expect(read('../../config.schema.json')).toBe(renderConfigJsonSchema());
  });

  it('describes the redis engine, auth.jwt, metrics and the log level', () => {
    const schema = JSON.parse(renderConfigJsonSchema());
    expect(JSON.stringify(schema.properties.engine)).toContain('"redis"');
    expect(Object.keys(schema.properties.auth.properties.jwt.properties)).toEqual(
      expect.arrayContaining(['secret', 'publicKey', 'jwksUrl', 'issuer', 'audience']),
    );
    expect(schema.properties.metrics).toMatchObject({ type: 'boolean', default: false });
    expect(schema.properties.log.properties.level).toMatchObject({ default: 'info' });
  });
});

describe('the README', () => {
  it('documents every SWITCHBOARD_* variable and serve flag', () => {
    const readme = read('../../README.md');
    const missing = SETTINGS.flatMap((s) => [s.env, ...(s.flag ? [`--${s.flag}`] : [])]).filter(
      (name) => !readme.includes(`\`${name}`),
    );
    expect(missing).toEqual([]);
  });
});

interface SchemaNode {
  $ref?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

/** Every key of the config (`limits.rateLimit` and `auth.tokens` whole) and its default. */
function configKeys(schema: SchemaNode & { $defs?: Record<string, SchemaNode> }) {
  const keys = new Map<string, unknown>();
  const visit = (node: SchemaNode, path: string[]) => {
    const key = path.join('.');
    // A plain object is its keys; a leaf, a union (engine) or a reference is a row of its own.
    if (path.length > 0 && node.properties === undefined) keys.set(key, node.default);
    if (node.$ref !== undefined || key === 'auth.tokens') return;
    const objects = [node, ...(node.anyOf ?? []), ...(node.oneOf ?? [])];
    for (const object of objects) {
      for (const [name, child] of Object.entries(object.properties ?? {})) {
        visit(child, [...path, name]);
      }
    }
  };
  visit(schema, []);
  return keys;
}

describe('docs/operations.md', () => {
  it('lists every config key with the default the schema gives it', () => {
    const doc = read('../../../../docs/operations.md');
    const rows = new Map<string, string>();
    for (const line of doc.split('\n')) {
      const cells = /^\| `([^`]+)` +\| ([^|]*)\|/.exec(line);
      if (cells) rows.set(cells[1]!, cells[2]!.trim());
    }
    const problems: string[] = [];
    for (const [key, value] of configKeys(JSON.parse(renderConfigJsonSchema()))) {
      const cell = rows.get(key);
      const expected = value === undefined ? '' : `\`${JSON.stringify(value)}\``;
      if (cell === undefined) problems.push(`${key}: no row`);
      else if (cell !== expected)
        problems.push(`${key}: default ${cell || '(none)'}, schema ${expected || '(none)'}`);
    }
    expect(problems).toEqual([]);
  });
});
