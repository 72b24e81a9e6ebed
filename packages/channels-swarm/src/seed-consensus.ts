import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { ProposeInput } from './consensus.ts';
import { ABSTAIN, type ConsensusSummary, type SwarmConsensusInput } from './schemas.ts';

/**
 * The seed API's (`@claude-flow/realtime`) consensus calls, turned into this package's: a
 * proposal published with `type: 'proposed'` opens a round tallied by the hub, and a result
 * published with `type: 'accepted' | 'rejected'` becomes a result decided elsewhere.
 */

/** The seed API's choices: a yes, a no, and an abstention that never wins. */
export const SEED_CHOICES = ['yes', 'no', ABSTAIN] as const;

/**
 * `publishConsensus({ type: 'proposed', ... })`: opens a round. Any field of `propose()` may
 * be given too; the defaults differ: `subject` is `proposal.action`, `.title` or
 * `.description` when a string, else `proposal <id>`; `voters` the swarm's members
 * (`members(swarmId)`), none known: an open vote; `choices` `['yes', 'no', 'abstain']`.
 */
export type ConsensusProposedInput = Partial<ProposeInput> & {
  swarmId: string;
  proposalId: string;
  type: 'proposed';
  /** What is proposed, any JSON value; kept on the proposal event. */
  proposal?: unknown;
  timestamp?: number;
};

/** One vote as the seed API listed it in a result. */
export interface SeedVote {
  agentId: string;
  vote: string;
}

/** `publishConsensus({ type: 'accepted' | 'rejected', result, votes })`: a result decided elsewhere. */
export interface ConsensusDecidedInput {
  swarmId: string;
  proposalId: string;
  type: 'accepted' | 'rejected';
  result?: Partial<ConsensusSummary>;
  votes?: readonly SeedVote[];
  at?: number;
  timestamp?: number;
  [field: string]: unknown;
}

/** What `publishConsensus` takes: a result (ours or the seed's), or the seed's proposal. */
export type PublishConsensusInput =
  | SwarmConsensusInput
  | ConsensusProposedInput
  | ConsensusDecidedInput;

/** The round a seed-style proposal opens. */
export function seedProposal(
  input: ConsensusProposedInput,
  members: readonly string[],
): ProposeInput {
  const { type: _type, voters, choices, subject, ...rest } = input;
  return {
    ...rest,
    subject: subject ?? subjectOf(input.proposal, input.proposalId),
    voters: voters ?? members,
    choices: choices ?? SEED_CHOICES,
  };
}

function subjectOf(proposal: unknown, proposalId: string): string {
  if (typeof proposal === 'string' && proposal.length > 0) return proposal;
  if (typeof proposal === 'object' && proposal !== null) {
    for (const key of ['action', 'title', 'description']) {
      const value = (proposal as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.length > 0) return value;
    }
  }
  return `proposal ${proposalId}`;
}

/** A seed-style result as a result of ours: `votes` listed become a record, the tally follows. */
export function seedResult(input: ConsensusDecidedInput): SwarmConsensusInput {
  if (input.votes !== undefined && !Array.isArray(input.votes)) {
    throw new SwitchboardError(
      ErrorCode.INVALID_MESSAGE,
      'Invalid consensus result: votes: a seed-style result lists votes as [{ agentId, vote }]',
      { details: { field: 'votes' } },
    );
  }
  const { votes: listed = [], result, ...rest } = input;
  const votes: Record<string, string> = {};
  const tally: Record<string, number> = { yes: 0, no: 0, [ABSTAIN]: 0 };
  for (const { agentId, vote } of listed) {
    votes[agentId] = vote;
    tally[vote] = (tally[vote] ?? 0) + 1;
  }
  if (listed.length === 0 && result !== undefined) {
    tally.yes = result.votesFor ?? 0;
    tally.no = result.votesAgainst ?? 0;
    tally[ABSTAIN] = result.abstentions ?? 0;
  }
  const at = input.at ?? input.timestamp ?? Date.now();
  const accepted = input.type === 'accepted';
  return {
    ...rest,
    outcome: accepted ? 'approved' : 'rejected',
    tally,
    votes,
    decidedAt: at,
    reason: 'quorum',
    result: {
      accepted,
      votesFor: tally.yes ?? 0,
      votesAgainst: tally.no ?? 0,
      abstentions: tally[ABSTAIN] ?? 0,
      ...result,
    },
    at,
  } as SwarmConsensusInput;
}

const YES = ['yes', 'approve'];
const NO = ['no', 'reject'];

/**
 * A vote in the other API's words: `yes`/`no` on an approve/reject proposal, or
 * `approve`/`reject` on a yes/no one, is the same vote. Any other choice is left as it is.
 */
export function choiceOf(choice: string, choices: readonly string[]): string {
  if (choices.includes(choice)) return choice;
  const [first, second, ...more] = choices.filter((c) => c !== ABSTAIN);
  if (first === undefined || second === undefined || more.length > 0) return choice;
  if (YES.includes(choice) && YES.includes(first)) return first;
  if (NO.includes(choice) && NO.includes(second)) return second;
  return choice;
}
