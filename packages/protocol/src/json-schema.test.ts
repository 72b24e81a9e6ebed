import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClientFrame, ServerFrame } from './frames.ts';
import { buildProtocolJsonSchema, renderProtocolJsonSchema } from './json-schema.ts';
import { CLIENT_FRAMES, SERVER_FRAMES } from './test-frames.ts';

type Json = Record<string, unknown>;

const { schema, unrepresentable } = buildProtocolJsonSchema();
const defs = schema.$defs as Record<string, Json>;
const props = (name: string) => (defs[name] as { properties: Record<string, Json> }).properties;

describe('protocol JSON Schema', () => {
  it('builds without unrepresentable parts', () => {
    expect(unrepresentable).toEqual([]);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('has a definition for every frame, referenced (not inlined) by the two unions', () => {
    for (const [union, zod] of [
      ['ClientFrame', ClientFrame],
      ['ServerFrame', ServerFrame],
    ] as const) {
      const oneOf = (defs[union] as { oneOf: { $ref: string }[] }).oneOf;
      expect(oneOf).toHaveLength(zod._zod.def.options.length);
      for (const option of zod._zod.def.options) {
        const type = option._zod.def.shape.type._zod.def.values[0];
        const ref = oneOf.find(({ $ref }) => {
          const name = $ref.replace('#/$defs/', '');
          return (props(name).type as { const?: string }).const === type;
        });
        expect(ref, `${union} lists ${type}`).toBeDefined();
      }
    }
  });

  it('has no $id or $schema inside definitions, and every $ref resolves', () => {
    const text = JSON.stringify(schema);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)) {
      expect(defs[ref!], ref).toBeDefined();
    }
    for (const def of Object.values(defs)) {
      expect(def).not.toHaveProperty('$id');
      expect(def).not.toHaveProperty('$schema');
    }
  });

  it('carries descriptions from .meta()', () => {
    expect(props('PublishFrame').id!.description).toMatch(/idempotent publish/);
    expect(props('PublishFrame').topic!.description).toMatch(/255 bytes/);
    expect(props('SubscribeFrame').since!.description).toMatch(/"last"/);
    expect(defs.DroppedFrame!.description).toMatch(/drop-oldest/);
  });

  it('describes what a peer may send: required fields, no additionalProperties: false', () => {
    expect(defs.PublishFrame!.required).toEqual(['type', 'id', 'topic', 'data']);
    expect(JSON.stringify(schema)).not.toContain('"additionalProperties":false');
    expect(props('ErrorFrame').code!.enum).toContain('INVALID_TOPIC');
  });

  it('accepts every valid frame and rejects structurally bad ones (checked with z.fromJSONSchema)', () => {
    // zod's JSON Schema reader, as an independent validator of the generated document.
    const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    for (const frame of [...CLIENT_FRAMES, ...SERVER_FRAMES]) {
      expect(validator.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    }
    const invalid = [
      { type: 'nope' },
      { type: 'publish', id: 'm', topic: 'a' },
      { type: 'publish', id: '', topic: 'a', data: 1 },
      { type: 'subscribe', topics: [] },
      { type: 'subscribe', topics: ['a'], since: -1 },
      { type: 'subscribe', topics: ['a'], since: 'first' },
      { type: 'hello', versions: [0] },
      { type: 'ack', id: 'a', ok: false },
      { type: 'error', code: 'NOPE', message: 'm' },
      { type: 'dropped', epoch: 'e', fromOffset: 1, toOffset: 2, count: 0 },
    ];
    for (const frame of invalid) {
      expect(validator.safeParse(frame).success, JSON.stringify(frame)).toBe(false);
    }
    // The refinements are not in the schema: a superset of what the parser accepts.
    expect(validator.safeParse({ type: 'publish', id: 'm', topic: 'a..b', data: 1 }).success).toBe(
      true,
    );
  });

  it('is rendered stably, with a trailing newline', () => {
    const a = renderProtocolJsonSchema().text;
    expect(renderProtocolJsonSchema().text).toBe(a);
    expect(a.endsWith('}\n')).toBe(true);
    expect(JSON.parse(a)).toEqual(schema);
  });

  it('matches docs/protocol.schema.json (run `pnpm schema` after changing a frame)', async () => {
    const onDisk = await readFile(
      new URL('../../../docs/protocol.schema.json', import.meta.url),
      'utf8',
    );
    expect(onDisk).toBe(renderProtocolJsonSchema().text);
  });
});
