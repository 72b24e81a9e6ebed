import { patternArb, referenceMatches, topicArb } from '@switchboard/test-oracles';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, matches, normalizePattern } from './topic-match.ts';

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
  // Shapes the channels subscribe to.
  ['agent.*.status', 'agent.a1.health', false],
  ['swarm.s1.#', 'swarm.s1', true],
  ['swarm.s1.#', 'swarm.s1.proposal.p1', true],
  ['swarm.*.consensus.*', 'swarm.s1.consensus.p1', true],
  ['#.failed', 'task.t1.failed', true],
  ['a.#.b', 'a.b.b', true],
  ['a.#.b', 'a.x.y.c', false],
  ['task.t1.completed', 'task.t1.completed', true],
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

describe('matches agrees with the reference matcher', () => {
  it('matches(pattern, topic)', () => {
    fc.assert(
      fc.property(patternArb, topicArb, (pattern, topic) => {
        expect(matches(pattern, topic)).toBe(referenceMatches(pattern, topic));
        expect(compilePattern(pattern)(topic)).toBe(referenceMatches(pattern, topic));
      }),
      { numRuns: 20_000 },
    );
  });
});
