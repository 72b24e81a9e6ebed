import {
  ABSTAIN,
  type ConsensusOutcome,
  type ConsensusReason,
  type Quorum,
  type SwarmProposalEvent,
} from './schemas.ts';

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

/** The choices that can win: all but `abstain`, which counts as cast and never wins. */
function candidatesOf(proposal: Pick<SwarmProposalEvent, 'choices'>): string[] {
  return proposal.choices.filter((choice) => choice !== ABSTAIN);
}

/**
 * With two choices (besides `abstain`) the first is the "yes": it wins as `approved`, the
 * second as `rejected`. With more choices any winner is `approved`, and `winner` says which.
 */
export function outcomeOf(proposal: Pick<SwarmProposalEvent, 'choices'>, winner: string) {
  const candidates = candidatesOf(proposal);
  return candidates.length === 2 && winner === candidates[1] ? 'rejected' : 'approved';
}

/** The candidate with the most votes (the first of equals). */
function leaderOf(candidates: readonly string[], tally: Record<string, number>) {
  let leader: string | undefined;
  for (const choice of candidates) {
    if (leader === undefined || tally[choice]! > tally[leader]!) leader = choice;
  }
  return leader;
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

type Ballot = Pick<SwarmProposalEvent, 'choices' | 'quorum' | 'voters'>;

/**
 * The decision as soon as the votes settle it, or undefined while it is open:
 * - a choice reached the quorum: it wins (`quorum`);
 * - `unanimous` and two different choices were cast: `rejected` (`quorum`), a veto;
 * - no choice can reach the quorum any more: `no-quorum` (`all-voted` when everybody voted,
 *   else `quorum`).
 * An open vote (no `voters`) is never settled early: its deadline decides.
 */
export function decide(proposal: Ballot, votes: ReadonlyMap<string, string>): Decision | undefined {
  const eligible = proposal.voters.length;
  if (eligible === 0) return undefined;
  const required = requiredVotes(proposal.quorum, eligible);
  const tally = countVotes(proposal, votes);
  const candidates = candidatesOf(proposal);
  const leader = leaderOf(candidates, tally);
  if (leader !== undefined && tally[leader]! >= required) {
    return { outcome: outcomeOf(proposal, leader), winner: leader, reason: 'quorum' };
  }
  const remaining = eligible - votes.size;
  if (proposal.quorum.rule === 'unanimous') {
    const cast = candidates.filter((choice) => tally[choice]! > 0).length;
    if (cast > 1) return { outcome: 'rejected', reason: remaining === 0 ? 'all-voted' : 'quorum' };
  }
  if (leader === undefined || tally[leader]! + remaining < required) {
    return { outcome: 'no-quorum', reason: remaining === 0 ? 'all-voted' : 'quorum' };
  }
  return undefined;
}

/**
 * The result when the deadline comes first: `no-quorum` for a proposal with voters (a
 * deadline is not a rejection). An open vote is decided now: the quorum rule applied to the
 * votes cast for a choice (abstentions aside), a tie being `no-quorum`.
 */
export function decideAtDeadline(proposal: Ballot, votes: ReadonlyMap<string, string>): Decision {
  const none: Decision = { outcome: 'no-quorum', reason: 'deadline' };
  if (proposal.voters.length > 0) return none;
  const tally = countVotes(proposal, votes);
  const candidates = candidatesOf(proposal);
  const cast = candidates.reduce((sum, choice) => sum + tally[choice]!, 0);
  const leader = leaderOf(candidates, tally);
  if (cast === 0 || leader === undefined) return none;
  const tied = candidates.some((choice) => choice !== leader && tally[choice] === tally[leader]);
  if (tied || tally[leader]! < requiredVotes(proposal.quorum, cast)) return none;
  return { outcome: outcomeOf(proposal, leader), winner: leader, reason: 'deadline' };
}
