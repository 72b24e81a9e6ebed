import { ErrorCode } from '@switchboard/protocol';
import { type RefusalReason, who } from './consensus.ts';
import type { SwarmConsensusEvent, SwarmProposalEvent } from './schemas.ts';
import { choiceOf } from './seed-consensus.ts';

/** Votes and deadline closes: `swarm.<swarmId>.ballot.<proposalId>` (hub-written only). */
export function ballotTopic(swarmId: string, proposalId: string): string {
  return `swarm.${swarmId}.ballot.${proposalId}`;
}

export type BallotRecord =
  | { kind: 'vote'; swarmId: string; proposalId: string; voterId: string; choice: string }
  | { kind: 'close'; swarmId: string; proposalId: string };

/** What the fold made of one vote entry. */
export type VoteOutcome =
  | { counted: true; at: number; choice: string }
  | { counted: false; code: ErrorCode; reason: RefusalReason | 'not-found'; message: string };

export interface Ballot {
  proposal: SwarmProposalEvent;
  votes: Map<string, string>;
  /** By the id of each vote entry folded. */
  outcomes: Map<string, VoteOutcome>;
  timer: ReturnType<typeof setTimeout> | undefined;
  result: SwarmConsensusEvent | undefined;
}

/**
 * What the fold makes of a vote entry for an open or decided ballot, by the entry alone
 * (its record and timestamp) and the ballot as folded so far: the same on every node.
 */
export function judgeVote(
  ballot: Ballot,
  record: Extract<BallotRecord, { kind: 'vote' }>,
  timestamp: number,
): VoteOutcome {
  const { proposalId, voterId, choice } = record;
  const refuse = (code: ErrorCode, reason: RefusalReason, message: string): VoteOutcome => ({
    counted: false,
    code,
    reason,
    message,
  });
  const { proposal } = ballot;
  if (ballot.result !== undefined) {
    return ballot.result.reason === 'deadline'
      ? refuse(
          ErrorCode.TIMEOUT,
          'deadline-passed',
          `Voting on "${proposalId}" closed at its deadline`,
        )
      : refuse(ErrorCode.FORBIDDEN, 'decided', `Proposal "${proposalId}" is already decided`);
  }
  if (timestamp >= proposal.deadline) {
    return refuse(
      ErrorCode.TIMEOUT,
      'deadline-passed',
      `Voting on "${proposalId}" closed at its deadline`,
    );
  }
  if (!(proposal.voters.length === 0 || proposal.voters.includes(voterId))) {
    return refuse(
      ErrorCode.FORBIDDEN,
      'not-eligible',
      `${who(voterId)} may not vote on "${proposalId}"`,
    );
  }
  if (ballot.votes.has(voterId)) {
    return refuse(
      ErrorCode.FORBIDDEN,
      'already-voted',
      `${who(voterId)} already voted on "${proposalId}"`,
    );
  }
  const counted = choiceOf(choice, proposal.choices);
  if (!proposal.choices.includes(counted)) {
    return refuse(
      ErrorCode.INVALID_MESSAGE,
      'not-eligible',
      `Invalid vote: choice ${JSON.stringify(counted)} is not one of ${proposal.choices.join(', ')}`,
    );
  }
  return { counted: true, at: timestamp, choice: counted };
}
