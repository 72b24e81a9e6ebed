import { subsetContainment } from '@switchboard/test-oracles';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorizePattern,
  checkContainment,
  isPatternAllowed,
  patternContains,
} from './pattern-containment.ts';
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

  it('allows agent.7.#.x.*.*... under agent.7.# at once, however many stars', () => {
    // The subset walk doubled its work with every star: 18 stall the hub for seconds, 30 take
    // 2^31 pairs and run out of memory.
    const attack = `agent.7.#.x${'.*'.repeat(30)}`;
    expect(patternContains('agent.7.#', attack)).toBe(true);
    expect(isPatternAllowed(['agent.7.#'], attack)).toBe(true);
    expect(isPatternAllowed(['agent.7.#'], `agent.8.#.x${'.*'.repeat(30)}`)).toBe(false);
  });
});

// Outer patterns of the shapes checkContainment answers without searching.
const fastPathOuter = fc.oneof(
  fc.array(fc.constantFrom('a', 'b', '*'), { minLength: 1, maxLength: 5 }),
  fc.array(fc.constantFrom('a', 'b'), { maxLength: 4 }).map((prefix) => [...prefix, '#']),
  fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }).map((prefix) => [...prefix, '#', '#']),
);

describe('checkContainment', () => {
  it('answers the ACL shapes exactly: #, no #, a literal prefix and #, the same pattern', () => {
    expect(checkContainment('#', '#')).toBe('contained');
    expect(checkContainment('#.#', 'a.*')).toBe('contained');
    expect(checkContainment('a.*.c', 'a.b.c')).toBe('contained');
    expect(checkContainment('a.*.c', 'a.*.c')).toBe('contained');
    expect(checkContainment('a.b.c', 'a.*.c')).toBe('not-contained');
    expect(checkContainment('*', '#')).toBe('not-contained');
    expect(checkContainment('*.*', '*.#')).toBe('not-contained');
    expect(checkContainment('a.*', 'a')).toBe('not-contained');
    expect(checkContainment('agent.7.#', 'agent.7')).toBe('contained');
    expect(checkContainment('agent.7.#', 'agent.7.#.#')).toBe('contained');
    expect(checkContainment('agent.7.#', 'agent.#')).toBe('not-contained');
    expect(checkContainment('agent.7.#', 'agent')).toBe('not-contained');
    expect(checkContainment('agent.7.#', 'agent.*.x')).toBe('not-contained');
    expect(checkContainment('agent.7.#', '#.agent.7')).toBe('not-contained');
    expect(checkContainment('a.#.#.b', 'a.#.b')).toBe('contained');
  });

  it('agrees with the old subset walk on the fast-path shapes', () => {
    fc.assert(
      fc.property(fastPathOuter, pattern, (segments, inner) => {
        const outer = segments.join('.');
        const old = subsetContainment(outer, inner).contained;
        expect(checkContainment(outer, inner)).toBe(old ? 'contained' : 'not-contained');
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the old subset walk on random small pattern pairs', () => {
    fc.assert(
      fc.property(pattern, pattern, (outer, inner) => {
        const old = subsetContainment(outer, inner).contained;
        expect(checkContainment(outer, inner)).toBe(old ? 'contained' : 'not-contained');
        expect(patternContains(outer, inner)).toBe(old);
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuses to decide past the work budget, and leaves outer patterns over 32 segments alone', () => {
    const outer = `#.y${'.*'.repeat(12)}.#${'.*'.repeat(10)}.y.#.*`;
    const inner = 'y.*.*.*.*.*.x.*.*.y.x.#.y.#.y.#.y.#.y.#.y.#.y.#.y.x.x.*.*.x.y.*';
    expect(checkContainment(outer, inner)).toBe('too-complex');
    expect(patternContains(outer, inner)).toBe(false);
    // Longer than any valid pattern and of no fast-path shape: not searched.
    expect(checkContainment(`#.a${'.b'.repeat(32)}`, 'a')).toBe('too-complex');
    // The fast paths take any length.
    expect(checkContainment(`a${'.b'.repeat(40)}.#`, `a${'.b'.repeat(40)}.c`)).toBe('contained');
  });
});

describe('authorizePattern', () => {
  const hard = `#.y${'.*'.repeat(12)}.#${'.*'.repeat(10)}.y.#.*`;
  const probe = 'y.*.*.*.*.*.x.*.*.y.x.#.y.#.y.#.y.#.y.#.y.#.y.#.y.x.x.*.*.x.y.*';

  it('says why a pattern is refused: outside every allowed pattern, or too complex to tell', () => {
    expect(authorizePattern(undefined, probe)).toEqual({ ok: true });
    expect(authorizePattern(['agent.7.#'], 'agent.7.*')).toEqual({ ok: true });
    expect(authorizePattern(['agent.7.#'], 'agent.*')).toEqual({ ok: false, reason: 'outside' });
    expect(authorizePattern([], 'a')).toEqual({ ok: false, reason: 'outside' });
    expect(authorizePattern([hard], probe)).toEqual({ ok: false, reason: 'too-complex' });
    expect(authorizePattern(['task.#', hard], probe)).toEqual({
      ok: false,
      reason: 'too-complex',
    });
    expect(isPatternAllowed([hard], probe)).toBe(false);
  });

  it('allows a pattern some allowed pattern covers even when another is too complex', () => {
    expect(authorizePattern([hard, 'y.#'], probe)).toEqual({ ok: true });
    expect(isPatternAllowed([hard, 'y.#'], probe)).toBe(true);
  });
});
