import { describe, expect, it } from 'vitest';
import { matchesPattern } from './pattern.ts';

describe('matchesPattern', () => {
  it.each([
    ['agent.*.status', 'agent.a1.status', true],
    ['agent.*.status', 'agent.a1.health', false],
    ['agent.*.status', 'agent.status', false],
    ['swarm.s1.#', 'swarm.s1', true],
    ['swarm.s1.#', 'swarm.s1.proposal.p1', true],
    ['swarm.*.consensus.*', 'swarm.s1.consensus.p1', true],
    ['#.failed', 'task.t1.failed', true],
    ['a.#.b', 'a.b', true],
    ['a.#.b', 'a.x.y.b', true],
    ['a.#.b', 'a.x.y.c', false],
    ['task.t1.completed', 'task.t1.completed', true],
  ])('%s vs %s -> %s', (pattern, topic, expected) => {
    expect(matchesPattern(pattern, topic)).toBe(expected);
  });
});
