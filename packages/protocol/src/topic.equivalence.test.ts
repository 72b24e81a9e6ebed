import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPattern,
  checkTopic,
  MULTI_WILDCARD,
  SINGLE_WILDCARD,
  TOPIC_LIMITS,
  type TopicCheck,
} from './topic.ts';

// The checks as they were before the one-pass version: `split` and a regular expression per
// segment. The one-pass checks must accept exactly the same strings and give the same reasons.
// Whitespace, C0/C1 controls, lone surrogates, the separator and both wildcards. A lone
// surrogate is not representable in UTF-8: encoders replace it with U+FFFD, so two different
// topics would become the same one after a trip through any byte-oriented engine.
const FORBIDDEN_IN_SEGMENT = /[\s\p{Cc}\p{Cs}.*#]/u;

const encoder = new TextEncoder();

function checkShape(value: unknown, what: string): TopicCheck | string[] {
  if (typeof value !== 'string') return { ok: false, reason: `${what} must be a string` };
  if (value.length === 0) return { ok: false, reason: `${what} must not be empty` };
  // UTF-8 takes one to three bytes per UTF-16 unit, so only mid-length strings need encoding
  // (most topics are short: no allocation on the publish path).
  if (
    value.length > TOPIC_LIMITS.maxBytes ||
    (value.length * 3 > TOPIC_LIMITS.maxBytes &&
      encoder.encode(value).length > TOPIC_LIMITS.maxBytes)
  ) {
    return { ok: false, reason: `${what} is longer than ${TOPIC_LIMITS.maxBytes} bytes` };
  }
  const segments = value.split('.');
  if (segments.length > TOPIC_LIMITS.maxSegments) {
    return { ok: false, reason: `${what} has more than ${TOPIC_LIMITS.maxSegments} segments` };
  }
  return segments;
}

function checkLiteralSegment(segment: string, index: number, what: string): TopicCheck {
  if (segment.length === 0) return { ok: false, reason: `${what} segment ${index + 1} is empty` };
  const bad = FORBIDDEN_IN_SEGMENT.exec(segment)?.[0];
  if (bad === undefined) return { ok: true };
  const where = `${what} segment ${index + 1} (${JSON.stringify(segment)})`;
  if (bad === SINGLE_WILDCARD || bad === MULTI_WILDCARD) {
    return {
      ok: false,
      reason:
        what === 'pattern'
          ? `${where} mixes "${bad}" with other characters; "*" and "#" must be whole segments`
          : `${where} contains "${bad}"; wildcards are allowed only in subscription patterns`,
    };
  }
  const hex = bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  const kind = /\s/.test(bad)
    ? 'whitespace'
    : /\p{Cs}/u.test(bad)
      ? 'an unpaired surrogate'
      : 'a control character';
  return { ok: false, reason: `${where} contains ${kind} (U+${hex})` };
}

/** Checks a concrete topic such as `agent.42.status`. */
function regexCheckTopic(topic: unknown): TopicCheck {
  const shape = checkShape(topic, 'topic');
  if (!Array.isArray(shape)) return shape;
  for (let i = 0; i < shape.length; i++) {
    const check = checkLiteralSegment(shape[i]!, i, 'topic');
    if (!check.ok) return check;
  }
  return { ok: true };
}

/** Checks a subscription pattern: literal segments, `*` (one segment) and `#` (zero or more). */
function regexCheckPattern(pattern: unknown): TopicCheck {
  const shape = checkShape(pattern, 'pattern');
  if (!Array.isArray(shape)) return shape;
  for (let i = 0; i < shape.length; i++) {
    const segment = shape[i]!;
    if (segment === SINGLE_WILDCARD || segment === MULTI_WILDCARD) continue;
    const check = checkLiteralSegment(segment, i, 'pattern');
    if (!check.ok) return check;
  }
  return { ok: true };
}

const regexCheck = { topic: regexCheckTopic, pattern: regexCheckPattern };
const checks = { topic: checkTopic, pattern: checkPattern };

/** Units where the rules change: ASCII specials, C1, Latin-1, spaces, surrogates, BOM. */
const SPECIAL_UNITS = [
  0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, 0x20, 0x21, 0x23, 0x2a, 0x2e, 0x7e, 0x7f, 0x80, 0x85,
  0x9f, 0xa0, 0xa1, 0x7ff, 0x800, 0x1680, 0x180e, 0x2000, 0x200a, 0x200b, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xfffd, 0xffff,
];

const unitArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'aZ09-_:.*#') },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_UNITS).map((u) => String.fromCharCode(u)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)) },
  { weight: 1, arbitrary: fc.constantFrom('\u{1f600}', '\u00e9', '\u4e2d') },
);

/** Short strings full of specials, and long ones around the byte and segment limits. */
const candidateArb = fc.oneof(
  fc.array(unitArb, { maxLength: 12 }).map((units) => units.join('')),
  fc
    .tuple(
      fc.array(fc.constantFrom('s', 'é', '中', '\u{1f600}', '*', '#'), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.integer({ min: 1, max: 140 }),
      fc.array(unitArb, { maxLength: 3 }),
    )
    .map(
      ([segment, count, tail]) =>
        Array.from({ length: count }, () => segment.join('')).join('.') + tail.join(''),
    ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

describe('the one-pass topic and pattern checks', () => {
  for (const kind of ['topic', 'pattern'] as const) {
    it(`agree with the regular-expression ${kind} check on every UTF-16 unit, alone and around separators`, () => {
      for (let unit = 0; unit <= 0xffff; unit++) {
        const c = String.fromCharCode(unit);
        for (const value of [c, `a${c}`, `${c}.b`, `a.${c}b`, `${c}\udc00`]) {
          const expected: TopicCheck = regexCheck[kind](value);
          const actual = checks[kind](value);
          if (
            actual.ok !== expected.ok ||
            (!actual.ok && !expected.ok && actual.reason !== expected.reason)
          ) {
            expect({ value, actual }).toEqual({ value, actual: expected });
          }
        }
      }
    });

    it(`agree with the regular-expression ${kind} check on random strings`, () => {
      fc.assert(
        fc.property(candidateArb, (value) => {
          expect(checks[kind](value)).toEqual(regexCheck[kind](value));
        }),
        { numRuns: 20_000 },
      );
    });
  }

  it('agree at the byte and segment limits', () => {
    for (const [unit, size] of [
      ['a', 1],
      ['é', 2],
      ['中', 3],
      ['\u{1f600}', 4],
    ] as const) {
      for (
        let n = Math.floor(TOPIC_LIMITS.maxBytes / size) - 2;
        n <= TOPIC_LIMITS.maxBytes / size + 2;
        n++
      ) {
        const value = unit.repeat(n);
        expect(checkTopic(value)).toEqual(regexCheckTopic(value));
      }
    }
    for (let n = TOPIC_LIMITS.maxSegments - 1; n <= TOPIC_LIMITS.maxSegments + 1; n++) {
      for (const segment of ['a', '*', '#', '', 'a b']) {
        const value = Array.from({ length: n }, () => segment).join('.');
        expect(checkTopic(value)).toEqual(regexCheckTopic(value));
        expect(checkPattern(value)).toEqual(regexCheckPattern(value));
      }
    }
  });
});
