import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPatternAllowed, patternContains } from './pattern-containment.ts';
import { matches } from './topic-match.ts';

// Every topic of up to 6 segments over {a, b, z}: enough to witness any difference between
// patterns of up to 4 segments over {a, b, *, #} (z stands for "a segment neither names").
const SEGMENTS = ['a', 'b', 'z'];
const TOPICS: string[] = [];
{
  let layer: string[][] = [[]];
  for (let length = 1; length <= 6; length++) {
    layer = layer.flatMap((prefix) => SEGMENTS.map((segment) => [...prefix, segment]));
    TOPICS.push(...layer.map((segments) => segments.join('.')));
  }
}

function containsByEnumeration(outer: string, inner: string): boolean {
  return TOPICS.every((topic) => !matches(inner, topic) || matches(outer, topic));
}

const pattern = fc
  .array(fc.constantFrom('a', 'b', '*', '#'), { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join('.'));

describe('patternContains', () => {
  it('decides containment by what the patterns match', () => {
    expect(patternContains('agent.#', 'agent.*.status')).toBe(true);
    expect(patternContains('agent.#', 'agent')).toBe(true);
    expect(patternContains('agent.*.status', 'agent.#')).toBe(false);
    expect(patternContains('#.*', '*.#')).toBe(true);
    expect(patternContains('*.#', '#.*')).toBe(true);
    expect(patternContains('task.#', '#')).toBe(false);
    expect(patternContains('a.*', 'a.#')).toBe(false);
    expect(patternContains('#', 'anything.at.all')).toBe(true);
    expect(patternContains('#.*', '#')).toBe(true); // topics are never empty
  });

  it('agrees with brute-force enumeration on random pattern pairs', () => {
    fc.assert(
      fc.property(pattern, pattern, (outer, inner) => {
        expect(patternContains(outer, inner)).toBe(containsByEnumeration(outer, inner));
      }),
      { numRuns: 3_000 },
    );
  });

  it('allows everything without a list and nothing with an empty list', () => {
    expect(isPatternAllowed(undefined, '#')).toBe(true);
    expect(isPatternAllowed([], 'a')).toBe(false);
    expect(isPatternAllowed(['x.#', 'agent.7.#'], 'agent.7.logs.*')).toBe(true);
  });
});
