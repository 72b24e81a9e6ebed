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
