import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServedMethod } from '../frame-fields.ts';
import { ClientFrame, ServerFrame } from '../frames.ts';
import { HistoryResponse } from '../history.ts';
import * as zodEntry from '../parse.ts';
import { CLIENT_FRAMES as SAMPLE_CLIENT, SERVER_FRAMES as SAMPLE_SERVER } from '../test-frames.ts';
import * as wire from './index.ts';

/**
 * The generated validators against the zod schemas they come from: on frames built from the
 * schemas, valid and broken in every field, both parsers accept the same frames, return the same
 * values (keys, their order, undefined kept) and refuse the others with the same code and field.
 */

interface Def {
  type: string;
  checks?: {
    _zod: { def: { check: string; minimum?: number; maximum?: number; value?: number } };
  }[];
  [key: string]: unknown;
}
type Schema = { _zod: { def: Def } };

/** Any value, JSON-like, for the wrong-type branches. */
const junk = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    true,
    0,
    -1,
    1.5,
    '',
    'x',
    [],
    {},
    Number.NaN,
    Infinity,
    2 ** 53,
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const segment = fc.oneof(
  fc.constantFrom('a', 'b7', '*', '#', '$sys', '', ' ', 'x\u0000', '\ud800', '😀', 'é'),
  fc.string({ maxLength: 4 }),
);
const dotted = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.'));

function bounds(def: Def): { min: number; max: number } {
  let min = Number.NEGATIVE_INFINITY;
  let max = Number.POSITIVE_INFINITY;
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'min_length') min = c.minimum!;
    if (c.check === 'max_length') max = c.maximum!;
    if (c.check === 'greater_than') min = c.value!;
    if (c.check === 'less_than') max = c.value!;
  }
  return { min, max };
}

/** Strings around the length bounds, counted in UTF-16 units and in code points. */
function lengthAround(n: number): fc.Arbitrary<string> {
  return fc.constantFrom(
    'a'.repeat(n),
    'a'.repeat(n + 1),
    'a'.repeat(Math.max(0, n - 1)),
    '😀'.repeat(n),
    '😀'.repeat(Math.ceil(n / 2)),
    `${'a'.repeat(Math.max(0, n - 1))}😀`,
  );
}

/**
 * How `arbitrary` builds values: `mixed`, mostly valid and sometimes wrong anywhere; `valid`,
 * the valid branch only; `edge`, values at and across the schema's bounds, so that an object
 * in this mode is valid but for one field, which sits on an edge (a bound off by one is then
 * refused or accepted by itself, not hidden behind another broken field).
 */
type Mode = 'mixed' | 'valid' | 'edge';

/** Values for `schema`: mostly valid, sometimes wrong in one way or another (see Mode). */
function arbitrary(schema: Schema, mode: Mode = 'mixed'): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  const inner = (schema: Schema) => arbitrary(schema, mode);
  const wrong = (valid: fc.Arbitrary<unknown>, ...bad: fc.Arbitrary<unknown>[]) => {
    if (mode === 'valid') return valid;
    if (mode === 'edge' && bad.length > 0) return fc.oneof(...bad);
    return fc.oneof(
      { arbitrary: valid, weight: 12 },
      ...bad.map((b) => ({ arbitrary: b, weight: 1 })),
      { arbitrary: junk, weight: 1 },
    );
  };
  switch (def.type) {
    case 'string': {
      const { min, max } = bounds(def);
      const valid = fc.oneof(
        fc.string({ minLength: Math.max(0, min), maxLength: Math.min(max, 12) }),
        dotted,
      );
      const around = [min, max].filter(Number.isFinite).map((n) => lengthAround(n));
      return wrong(valid, ...around, dotted);
    }
    case 'number': {
      const { min, max } = bounds(def);
      if (def.format === 'safeint') {
        const lo = Number.isFinite(min) ? min : -1e6;
        const hi = Number.isFinite(max) ? max : 1e6;
        return wrong(
          fc.integer({ min: lo, max: hi }),
          fc.constantFrom(lo - 1, lo, hi, hi + 1, lo + 0.5, 2 ** 53, -(2 ** 53), String(lo)),
        );
      }
      return wrong(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double());
    }
    case 'boolean':
      return wrong(fc.boolean(), fc.constantFrom('true', 0, 1));
    case 'unknown':
      return fc.oneof(junk, fc.jsonValue(), fc.constant(undefined));
    case 'literal':
      return wrong(fc.constantFrom(...(def.values as unknown[])));
    case 'enum': {
      const values = Object.values(def.entries as Record<string, unknown>);
      return wrong(fc.constantFrom(...values), fc.constantFrom('invalid_message', `${values[0]} `));
    }
    // On an edge, an optional or nullable field is present: its edges are its value's.
    case 'nullable':
      if (mode === 'edge') return inner(def.innerType as Schema);
      return fc.oneof(fc.constant(null), inner(def.innerType as Schema));
    case 'optional':
      if (mode === 'edge') return inner(def.innerType as Schema);
      return fc.oneof(fc.constant(undefined), inner(def.innerType as Schema));
    case 'array': {
      const { min, max } = bounds(def);
      const element = inner(def.element as Schema);
      const lo = Number.isFinite(min) ? min : 0;
      const hi = Number.isFinite(max) ? Math.min(max, 4) : 4;
      const valid = fc.array(element, { minLength: lo, maxLength: Math.max(lo, hi) });
      const bad = [
        fc.constant([]),
        ...(Number.isFinite(max)
          ? [fc.array(fc.constant('a.b'), { minLength: max + 1, maxLength: max + 1 })]
          : []),
        ...(Number.isFinite(max)
          ? [fc.array(fc.constant('a.b'), { minLength: max, maxLength: max })]
          : []),
      ];
      return wrong(valid, ...bad);
    }
    case 'record':
      return wrong(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
        fc.constant(Object.create(null) as object),
        fc.constant({ ['__proto__']: 1, a: 2 }),
        fc.constant(new Date(0)),
      );
    case 'union':
      return fc.oneof(...(def.options as Schema[]).map(inner));
    case 'object': {
      const shape = def.shape as Record<string, Schema>;
      const keys = Object.keys(shape);
      if (mode === 'edge') {
        // Every field valid but one, which is on an edge.
        return fc
          .nat({ max: keys.length - 1 })
          .chain((edge) =>
            fc.tuple(
              ...keys.map((key, i) => arbitrary(shape[key]!, i === edge ? 'edge' : 'valid')),
            ),
          )
          .map((values) => Object.fromEntries(keys.map((key, i) => [key, values[i]])));
      }
      const field = (key: string) => inner(shape[key]!);
      const fields = fc.tuple(
        ...keys.map((key) =>
          fc.oneof(
            {
              arbitrary: field(key).map((value) => ({ present: true, value })),
              weight: 10,
            },
            { arbitrary: fc.constant({ present: false, value: undefined }), weight: 1 },
          ),
        ),
      );
      const extra = fc.dictionary(fc.constantFrom('extra', 'id2', 'type2'), junk, { maxKeys: 1 });
      const object = fc.tuple(fields, extra, fc.boolean()).map(([values, more, reversed]) => {
        const entries: [string, unknown][] = [];
        values.forEach((field, i) => {
          const { present, value } = field as { present: boolean; value: unknown };
          if (present) entries.push([keys[i]!, value]);
        });
        if (reversed) entries.reverse();
        return { ...Object.fromEntries(entries), ...more };
      });
      return wrong(object);
    }
    default:
      throw new Error(`no arbitrary for ${def.type}`);
  }
}

/** A value with its key order made visible, undefined properties kept. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([key, inner]) => [key, ordered(inner)]);
  }
  return value;
}

function expectSameVerdict(
  zod: zodEntry.ParseResult<{ type: string }>,
  lean: zodEntry.ParseResult<{ type: string }>,
): boolean {
  expect(lean.ok).toBe(zod.ok);
  if (zod.ok && lean.ok) {
    expect(ordered(lean.frame)).toStrictEqual(ordered(zod.frame));
    return true;
  }
  if (!zod.ok && !lean.ok) {
    expect(lean.error.code).toBe(zod.error.code);
    expect(lean.error.details).toStrictEqual(zod.error.details);
    expect(lean.id).toBe(zod.id);
    // The same field is named first; only the wording after it differs.
    const field = /^Invalid field "([^"]*)"/.exec(zod.error.message)?.[1];
    if (field === undefined) expect(lean.error.message).toBe(zod.error.message);
    else expect(lean.error.message.startsWith(`Invalid field "${field}" in `)).toBe(true);
  }
  return false;
}

const RUNS = Number(process.env.WIRE_RUNS ?? 400);

for (const [name, union, zodParse, wireParse] of [
  ['server', ServerFrame, zodEntry.parseServerFrame, wire.parseServerFrame],
  ['client', ClientFrame, zodEntry.parseClientFrame, wire.parseClientFrame],
] as const) {
  describe(`wire ${name} frames`, () => {
    for (const member of union._zod.def.options as unknown as Schema[]) {
      const type = (member._zod.def.shape as Record<string, Schema>).type!._zod.def
        .values as string[];
      it(`${type[0]}: accepts and refuses exactly what the zod schema does`, () => {
        let accepted = 0;
        let refused = 0;
        fc.assert(
          fc.property(
            fc.oneof(arbitrary(member), arbitrary(member, 'edge')),
            fc.boolean(),
            (frame, asJson) => {
              const input = asJson && frame !== undefined ? JSON.stringify(frame) : frame;
              const same = expectSameVerdict(zodParse(input), wireParse(input));
              if (same) accepted += 1;
              else refused += 1;
            },
          ),
          { numRuns: RUNS },
        );
        // Both branches were exercised, so the property says something.
        expect(accepted).toBeGreaterThan(RUNS / 20);
        expect(refused).toBeGreaterThan(RUNS / 20);
      });
    }

    it('agrees on the sample frames of test-frames.ts', () => {
      const samples = name === 'server' ? SAMPLE_SERVER : SAMPLE_CLIENT;
      for (const frame of Object.values(samples)) {
        expect(expectSameVerdict(zodParse(frame), wireParse(frame))).toBe(true);
      }
    });
  });
}

describe('wire history responses and served methods', () => {
  it('parses $history data as HistoryResponse does', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          arbitrary(HistoryResponse as unknown as Schema),
          arbitrary(HistoryResponse as unknown as Schema, 'edge'),
        ),
        (data) => {
          const zod = HistoryResponse.safeParse(data);
          const lean = wire.parseHistoryResponse(data);
          expect(lean !== undefined).toBe(zod.success);
          if (zod.success) {
            accepted += 1;
            expect(ordered(lean)).toStrictEqual(ordered(zod.data));
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });

  it('refuses the method names ServedMethod refuses, with its reason for the rules', () => {
    fc.assert(
      fc.property(arbitrary(ServedMethod as unknown as Schema), (method) => {
        const zod = ServedMethod.safeParse(method);
        const problem = wire.servedMethodProblem(method);
        expect(problem === undefined).toBe(zod.success);
        const custom = zod.error?.issues[0]?.code === 'custom';
        if (custom) expect(problem).toBe(zod.error?.issues[0]?.message);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(wire.servedMethodProblem('$history')).toBe(
      'method names starting with "$" are reserved',
    );
    expect(wire.servedMethodProblem('agent.7.exec')).toBeUndefined();
  });

  it('names the frame types of the zod unions', () => {
    expect(wire.parseServerFrame({ type: 'hello' }).ok).toBe(false);
    expect(wire.parseClientFrame({ type: 'welcome' }).ok).toBe(false);
  });
});
