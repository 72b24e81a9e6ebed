import { describe, expect, it } from 'vitest';
import type { Quorum } from './schemas.ts';
import { decide, decideAtDeadline, requiredVotes } from './tally.ts';

function run(quorum: Quorum, voters: number, cast: string[], choices = ['approve', 'reject']) {
  const proposal = { quorum, choices, voters: Array.from({ length: voters }, (_, i) => `v${i}`) };
  const votes = new Map<string, string>();
  const decisions = cast.map((choice, i) => {
    votes.set(`v${i}`, choice);
    return decide(proposal, votes);
  });
  return decisions;
}

describe('requiredVotes', () => {
  it('majority is more than half, unanimous all, threshold a rounded-up fraction', () => {
    expect(requiredVotes({ rule: 'majority' }, 3)).toBe(2);
    expect(requiredVotes({ rule: 'majority' }, 4)).toBe(3);
    expect(requiredVotes({ rule: 'unanimous' }, 5)).toBe(5);
    expect(requiredVotes({ rule: 'threshold', threshold: 0.6 }, 5)).toBe(3);
    expect(requiredVotes({ rule: 'threshold', threshold: 0.5 }, 3)).toBe(2);
    expect(requiredVotes({ rule: 'threshold', threshold: 0.01 }, 3)).toBe(1);
  });
});

describe('decide', () => {
  it('majority: decided by the vote that reaches it', () => {
    expect(run({ rule: 'majority' }, 3, ['approve', 'approve'])).toEqual([
      undefined,
      { outcome: 'approved', winner: 'approve', reason: 'quorum' },
    ]);
    expect(run({ rule: 'majority' }, 3, ['reject', 'approve', 'reject']).at(-1)).toEqual({
      outcome: 'rejected',
      winner: 'reject',
      reason: 'quorum',
    });
  });

  it('majority: a tie with everybody voted is no-quorum', () => {
    expect(run({ rule: 'majority' }, 4, ['approve', 'reject', 'approve', 'reject'])).toEqual([
      undefined,
      undefined,
      undefined,
      { outcome: 'no-quorum', reason: 'all-voted' },
    ]);
  });

  it('majority: decided early as no-quorum once no choice can reach it', () => {
    const decisions = run({ rule: 'majority' }, 5, ['a', 'b', 'c', 'a'], ['a', 'b', 'c']);
    expect(decisions).toEqual([undefined, undefined, undefined, undefined]);
    const split = run({ rule: 'majority' }, 5, ['a', 'b', 'c', 'b'], ['a', 'b', 'c']);
    // b has 2, one vote left: 3 is still reachable.
    expect(split.at(-1)).toBeUndefined();
    expect(run({ rule: 'majority' }, 4, ['a', 'b', 'c'], ['a', 'b', 'c']).at(-1)).toEqual({
      outcome: 'no-quorum',
      reason: 'quorum',
    });
  });

  it('unanimous: all the same wins; the first dissent rejects', () => {
    expect(run({ rule: 'unanimous' }, 3, ['approve', 'approve', 'approve']).at(-1)).toEqual({
      outcome: 'approved',
      winner: 'approve',
      reason: 'quorum',
    });
    expect(run({ rule: 'unanimous' }, 3, ['approve', 'reject'])).toEqual([
      undefined,
      { outcome: 'rejected', reason: 'quorum' },
    ]);
    expect(run({ rule: 'unanimous' }, 2, ['reject', 'reject']).at(-1)).toEqual({
      outcome: 'rejected',
      winner: 'reject',
      reason: 'quorum',
    });
  });

  it('threshold: a fraction of the eligible voters', () => {
    const rule: Quorum = { rule: 'threshold', threshold: 0.75 };
    expect(run(rule, 4, ['approve', 'approve', 'approve'])).toEqual([
      undefined,
      undefined,
      { outcome: 'approved', winner: 'approve', reason: 'quorum' },
    ]);
    // 1 + 2 remaining can still make 3.
    expect(run(rule, 4, ['approve', 'reject']).at(-1)).toBeUndefined();
    // Unlike unanimous, a threshold of 1 is not a veto: one dissent makes it unreachable.
    expect(run({ rule: 'threshold', threshold: 1 }, 4, ['approve', 'reject']).at(-1)).toEqual({
      outcome: 'no-quorum',
      reason: 'quorum',
    });
  });

  it('with more than two choices any winner is approved', () => {
    expect(run({ rule: 'majority' }, 3, ['b', 'b'], ['a', 'b', 'c']).at(-1)).toEqual({
      outcome: 'approved',
      winner: 'b',
      reason: 'quorum',
    });
  });
});

describe('abstain (the seed API third vote)', () => {
  const seed = ['yes', 'no', 'abstain'];
  it('counts as cast and never wins; yes/no decide as a two-choice vote', () => {
    expect(run({ rule: 'majority' }, 3, ['abstain', 'abstain'], seed).at(-1)).toEqual({
      outcome: 'no-quorum',
      reason: 'quorum',
    });
    expect(run({ rule: 'majority' }, 3, ['abstain', 'no', 'no'], seed).at(-1)).toEqual({
      outcome: 'rejected',
      winner: 'no',
      reason: 'quorum',
    });
    // An abstention is no veto under unanimity, but it makes unanimity out of reach.
    expect(run({ rule: 'unanimous' }, 2, ['yes', 'abstain'], seed)).toEqual([
      undefined,
      { outcome: 'no-quorum', reason: 'all-voted' },
    ]);
  });
});

describe('decideAtDeadline', () => {
  const open = (cast: string[], quorum: Quorum = { rule: 'majority' }) => {
    const votes = new Map(cast.map((choice, i) => [`v${i}`, choice]));
    return decideAtDeadline({ quorum, choices: ['yes', 'no', 'abstain'], voters: [] }, votes);
  };
  it('a proposal with voters: no-quorum (a deadline is not a rejection)', () => {
    const votes = new Map([['v0', 'approve']]);
    const listed = {
      quorum: { rule: 'majority' } as Quorum,
      choices: ['approve', 'reject'],
      voters: ['v0', 'v1', 'v2'],
    };
    expect(decideAtDeadline(listed, votes)).toEqual({ outcome: 'no-quorum', reason: 'deadline' });
  });
  it('an open vote: the rule over the votes cast, abstentions aside; a tie or nothing is no-quorum', () => {
    expect(
      decide(
        { quorum: { rule: 'majority' }, choices: ['yes', 'no'], voters: [] },
        new Map([['a', 'yes']]),
      ),
    ).toBeUndefined();
    expect(open(['yes', 'yes', 'no', 'abstain'])).toEqual({
      outcome: 'approved',
      winner: 'yes',
      reason: 'deadline',
    });
    expect(open(['no', 'abstain', 'abstain'])).toEqual({
      outcome: 'rejected',
      winner: 'no',
      reason: 'deadline',
    });
    expect(open(['yes', 'no'])).toEqual({ outcome: 'no-quorum', reason: 'deadline' });
    expect(open([])).toEqual({ outcome: 'no-quorum', reason: 'deadline' });
    expect(open(['yes', 'yes', 'no'], { rule: 'unanimous' })).toEqual({
      outcome: 'no-quorum',
      reason: 'deadline',
    });
  });
});
