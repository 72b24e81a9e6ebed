import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternArb, referenceMatches, topicArb } from '../test/support/reference-matcher.ts';
import { compilePattern, matches, normalizePattern } from './matches.ts';
import { SubscriptionIndex } from './subscription-index.ts';

const cases: Array<[pattern: string, topic: string, expected: boolean]> = [
  ['agent.42.status', 'agent.42.status', true],
  ['agent.42.status', 'agent.43.status', false],
  ['agent.*.status', 'agent.42.status', true],
  ['agent.*.status', 'agent.status', false],
  ['agent.*.status', 'agent.1.2.status', false],
  ['agent.*', 'agent', false],
  ['*', 'agent', true],
  ['*', 'agent.42', false],
  ['agent.#', 'agent', true],
  ['agent.#', 'agent.42', true],
  ['agent.#', 'agent.42.status.x', true],
  ['agent.#', 'agents.42', false],
  ['#.error', 'error', true],
  ['#.error', 'task.7.error', true],
  ['#.error', 'task.7.errors', false],
  ['a.#.b', 'a.b', true],
  ['a.#.b', 'a.x.y.b', true],
  ['a.#.b', 'a.x.y', false],
  ['a.#.b.c', 'a.x.b.y.b.c', true],
  ['a.#.b.c', 'a.x.b.y.b', false],
  ['#.*', 'a', true],
  ['#.*', 'a.b.c', true],
  ['*.#', 'a', true],
  ['#', 'a', true],
  ['#', 'a.b.c.d', true],
  ['#.#', 'a.b', true],
  ['#.#.#.a', 'a', true],
  ['a.#.#.b', 'a.b', true],
  ['*.*', 'a', false],
  ['*.#.*', 'a', false],
  ['*.#.*', 'a.b', true],
  ['#.a.#', 'b.a.b', true],
  ['#.a.#', 'b.b', false],
];

describe('matches', () => {
  it.each(cases)('%s vs %s -> %s', (pattern, topic, expected) => {
    expect(matches(pattern, topic)).toBe(expected);
    expect(compilePattern(pattern)(topic)).toBe(expected);
    expect(referenceMatches(pattern, topic)).toBe(expected);
  });

  it('collapses runs of # when normalizing', () => {
    expect(normalizePattern('a.#.#.#.b.#.#')).toBe('a.#.b.#');
    expect(normalizePattern('#.#')).toBe('#');
    expect(normalizePattern('a.*.*')).toBe('a.*.*');
  });

  it('stays fast on long runs of # that would make backtracking explode', () => {
    const pattern = Array.from({ length: 16 }, () => '#.a').join('.') + '.b';
    const topic = Array.from({ length: 31 }, () => 'a').join('.') + '.c';
    const started = performance.now();
    for (let i = 0; i < 1000; i++) expect(matches(pattern, topic)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('matches and SubscriptionIndex agree with the reference matcher', () => {
  it('matches(pattern, topic)', () => {
    fc.assert(
      fc.property(patternArb, topicArb, (pattern, topic) => {
        expect(matches(pattern, topic)).toBe(referenceMatches(pattern, topic));
        expect(compilePattern(pattern)(topic)).toBe(referenceMatches(pattern, topic));
      }),
      { numRuns: 20_000 },
    );
  });

  it('SubscriptionIndex.match(topic) over many patterns', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(patternArb, { minLength: 1, maxLength: 40 }),
        fc.array(topicArb, { minLength: 1, maxLength: 20 }),
        (patterns, topics) => {
          const index = new SubscriptionIndex<number>();
          // Two subscribers share every third pattern so that deduplication is exercised.
          patterns.forEach((pattern, i) => {
            index.add(pattern, i);
            if (i % 3 === 0) index.add(pattern, -1);
          });
          for (const topic of topics) {
            const expected = new Set<number>();
            patterns.forEach((pattern, i) => {
              if (referenceMatches(pattern, topic)) {
                expected.add(i);
                if (i % 3 === 0) expected.add(-1);
              }
            });
            expect(index.match(topic)).toEqual(expected);
            expect(index.matchCount(topic)).toBe(expected.size);

            const pairs: string[] = [];
            index.forEachMatch(topic, (subscriber, pattern) =>
              pairs.push(`${subscriber} ${pattern}`),
            );
            const expectedPairs = patterns.flatMap((pattern, i) => {
              if (!referenceMatches(pattern, topic)) return [];
              return i % 3 === 0 ? [`${i} ${pattern}`, `-1 ${pattern}`] : [`${i} ${pattern}`];
            });
            // Every matching pair exactly once: no duplicates via different `#` alignments.
            expect(pairs.sort()).toEqual(expectedPairs.sort());
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
