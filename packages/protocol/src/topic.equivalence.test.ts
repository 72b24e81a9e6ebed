import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPattern,
  checkPatternByRules,
  checkTopic,
  checkTopicByRules,
  TOPIC_LIMITS,
  type TopicCheck,
} from './topic.ts';

// The rule-by-rule checks (`split`, a regular expression per segment) explain every refusal;
// the one-pass checks must accept exactly the same strings and so give the same reasons.
const regexCheck = { topic: checkTopicByRules, pattern: checkPatternByRules };
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
        expect(checkTopic(value)).toEqual(checkTopicByRules(value));
      }
    }
    for (let n = TOPIC_LIMITS.maxSegments - 1; n <= TOPIC_LIMITS.maxSegments + 1; n++) {
      for (const segment of ['a', '*', '#', '', 'a b']) {
        const value = Array.from({ length: n }, () => segment).join('.');
        expect(checkTopic(value)).toEqual(checkTopicByRules(value));
        expect(checkPattern(value)).toEqual(checkPatternByRules(value));
      }
    }
  });
});
