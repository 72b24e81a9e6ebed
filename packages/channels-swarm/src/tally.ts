import type { ConsensusOutcome, ConsensusReason, Quorum, SwarmProposalEvent } from './schemas.ts';

export interface Decision {
  outcome: ConsensusOutcome;
  winner?: string;
  reason: ConsensusReason;
}

/** Votes one choice needs: more than half, all, or `ceil(threshold * voters)` (at least 1). */
export function requiredVotes(quorum: Quorum, eligible: number): number {
  switch (quorum.rule) {
    case 'majority':
      return Math.floor(eligible / 2) + 1;
    case 'unanimous':
      return eligible;
    case 'threshold':
      // The epsilon keeps 0.6 * 5 = 3.0000000000000004 at 3.
      return Math.max(1, Math.ceil(quorum.threshold! * eligible - 1e-9));
  }
}

/**
 * With two choices the first is the "yes": it wins as `approved`, the second as `rejected`.
 * With more choices any winner is `approved`, and `winner` says which.
 */
export function outcomeOf(proposal: Pick<SwarmProposalEvent, 'choices'>, winner: string) {
  return proposal.choices.length === 2 && winner === proposal.choices[1] ? 'rejected' : 'approved';
}

/** Votes per choice, every choice listed. */
export function countVotes(
  proposal: Pick<SwarmProposalEvent, 'choices'>,
  votes: ReadonlyMap<string, string>,
): Record<string, number> {
  const tally: Record<string, number> = Object.fromEntries(proposal.choices.map((c) => [c, 0]));
  for (const choice of votes.values()) tally[choice] = (tally[choice] ?? 0) + 1;
  return tally;
}

/**
 * The decision as soon as the votes settle it, or undefined while it is open:
 * - a choice reached the quorum: it wins (`quorum`);
 * - `unanimous` and two different choices were cast: `rejected` (`quorum`), a veto;
 * - no choice can reach the quorum any more: `no-quorum` (`all-voted` when everybody voted,
 *   else `quorum`).
 */
export function decide(
  proposal: Pick<SwarmProposalEvent, 'choices' | 'quorum' | 'voters'>,
  votes: ReadonlyMap<string, string>,
): Decision | undefined {
  const eligible = proposal.voters.length;
  const required = requiredVotes(proposal.quorum, eligible);
  const tally = countVotes(proposal, votes);
  let leader: string | undefined;
  for (const choice of proposal.choices) {
    if (leader === undefined || tally[choice]! > tally[leader]!) leader = choice;
  }
  if (leader !== undefined && tally[leader]! >= required) {
    return { outcome: outcomeOf(proposal, leader), winner: leader, reason: 'quorum' };
  }
  const remaining = eligible - votes.size;
  if (proposal.quorum.rule === 'unanimous') {
    const cast = proposal.choices.filter((choice) => tally[choice]! > 0).length;
    if (cast > 1) return { outcome: 'rejected', reason: remaining === 0 ? 'all-voted' : 'quorum' };
  }
  if (leader === undefined || tally[leader]! + remaining < required) {
    return { outcome: 'no-quorum', reason: remaining === 0 ? 'all-voted' : 'quorum' };
  }
  return undefined;
}
