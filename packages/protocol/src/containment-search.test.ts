import { subsetContainment } from '@switchboard/test-oracles';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchContainment } from './containment-search.ts';
import { CONTAINMENT_WORK_BUDGET } from './pattern-containment.ts';
import { matches, patternSegments } from './topic-match.ts';

// The general search, without the fast paths of checkContainment in front of it.
const search = (outer: string, inner: string, budget = CONTAINMENT_WORK_BUDGET) =>
  searchContainment(patternSegments(outer), patternSegments(inner), budget);

const stars = (count: number) => '.*'.repeat(count);

/** Patterns of 1 to 32 segments, each pattern drawn from one of a few segment mixes. */
const MIXES = [
  ['a', 'b', '*', '#'],
  ['a', '*', '*', '#'],
  ['x', '*', '*', '*', '#'],
  ['a', 'b', 'c', '*', '#', '#'],
];
const longPattern = fc
  .tuple(fc.constantFrom(...MIXES), fc.integer({ min: 1, max: 32 }))
  .chain(([mix, length]) =>
    fc.array(fc.constantFrom(...mix), { minLength: length, maxLength: length }),
  )
  .map((segments) => segments.join('.'));

const smallPattern = fc
  .array(fc.constantFrom('a', 'b', '*', '#'), { minLength: 1, maxLength: 6 })
  .map((segments) => segments.join('.'));

/** A topic the pattern matches: literals kept, `*` one segment, `#` none to two. */
function topicOf(pattern: string, choices: readonly number[]): string {
  const out: string[] = [];
  pattern.split('.').forEach((segment, i) => {
    const choice = choices[i % choices.length]!;
    if (segment === '*') out.push(['a', 'b', 'q'][choice % 3]!);
    else if (segment === '#') for (let k = 0; k < choice % 3; k++) out.push(k ? 'a' : 'q');
    else out.push(segment);
  });
  return out.length === 0 ? 'q' : out.join('.');
}

describe('searchContainment', () => {
  it('decides the "#.x.*.*.*" attack in linear work: 34 states for 30 stars', () => {
    // Outer agent.7.#, inner agent.7.#.x followed by 30 `*` (34 segments, over the limit on
    // purpose) and by 28 (the longest valid pattern). The subset walk needs 2^31 pairs.
    const attack = search('agent.7.#', `agent.7.#.x${stars(30)}`);
    expect(attack).toEqual({ outcome: 'contained', explored: 34 });
    const valid = search('agent.7.#', `agent.7.#.x${stars(28)}`);
    expect(valid).toEqual({ outcome: 'contained', explored: 32 });
    // Outside the permission it answers as fast, with an escaping topic.
    const outside = search('agent.7.#', `agent.*.#.x${stars(30)}`);
    expect(outside.outcome).toBe('not-contained');
    expect(outside.explored).toBeLessThanOrEqual(4);
    expect(matches('agent.7.#', outside.witness!)).toBe(false);
  });

  it('costs the old subset walk more than the whole budget on the attack', () => {
    // Documents the bug: 2^(k+1) + 1 pairs for k stars, so the walk is cut off at the budget.
    expect(subsetContainment('agent.7.#', `agent.7.#.x${stars(10)}`).pairs).toBe(2049);
    const cut = subsetContainment('agent.7.#', `agent.7.#.x${stars(30)}`, CONTAINMENT_WORK_BUDGET);
    expect(cut).toEqual({ contained: undefined, pairs: CONTAINMENT_WORK_BUDGET });
  });

  it('reads an outer "#.x.*.*.*" backwards, where it is cheap', () => {
    // Forwards the outer pattern has 2^k deterministic states; backwards (`*.*.*.x.#`) k + 2.
    const inner = `x.#.x.#.x.#.x.#.x.#.x.#.x.#.x${stars(16)}`;
    const result = search(`#.x${stars(20)}.#`, inner);
    expect(result.outcome).toBe('contained');
    expect(result.explored).toBeLessThan(200);
  });

  it('answers too-complex when both directions need more than the budget', () => {
    // Both ends of the outer pattern are `#`, a literal and a run of `*`; the inner pattern's
    // many `#` make the search track every spacing of its y segments.
    const outer = `#.y${stars(12)}.#${stars(10)}.y.#.*`;
    const inner = 'y.*.*.*.*.*.x.*.*.y.x.#.y.#.y.#.y.#.y.#.y.#.y.#.y.x.x.*.*.x.y.*';
    expect(search(outer, inner)).toEqual({
      outcome: 'too-complex',
      explored: CONTAINMENT_WORK_BUDGET,
    });
    // Not a wrong answer, only an expensive one: given the work, both algorithms agree.
    expect(search(outer, inner, 200_000).outcome).toBe('contained');
    expect(subsetContainment(outer, inner).contained).toBe(true);
  });

  it('decides random patterns up to 32 segments within a quarter of the budget', () => {
    fc.assert(
      fc.property(longPattern, longPattern, fc.array(fc.nat(), { minLength: 1 }), (a, p, picks) => {
        const result = search(a, p);
        // 510 states was the most seen in 300,000 pairs from these generators.
        expect(result.explored).toBeLessThanOrEqual(CONTAINMENT_WORK_BUDGET / 4);
        if (result.outcome === 'not-contained') {
          expect(matches(p, result.witness!)).toBe(true);
          expect(matches(a, result.witness!)).toBe(false);
        } else {
          expect(result.outcome).toBe('contained');
          expect(matches(a, topicOf(p, picks))).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the old subset walk on random small patterns', () => {
    fc.assert(
      fc.property(smallPattern, smallPattern, (outer, inner) => {
        const old = subsetContainment(outer, inner).contained;
        expect(search(outer, inner).outcome).toBe(old ? 'contained' : 'not-contained');
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the old subset walk on random valid patterns it finishes quickly', () => {
    fc.assert(
      fc.property(longPattern, longPattern, (outer, inner) => {
        const old = subsetContainment(outer, inner, 20_000).contained;
        if (old === undefined) return; // the old walk would take too long to compare
        expect(search(outer, inner).outcome).toBe(old ? 'contained' : 'not-contained');
      }),
      { numRuns: 1_000 },
    );
  });

  it('witnesses use a segment neither pattern names for every wildcard', () => {
    expect(search('other.#', '*.#').witness).toBe('other_');
    expect(search('a.b', '#').witness).toBe('other');
    expect(search('#.a', 'a.#').witness).toBe('a.other');
  });
});
