import type { HubRouteContext } from '@switchboard/channels-core';
import { parsePayload } from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import {
  type Quorum,
  SwarmConsensusEvent,
  SwarmProposalEvent,
  type VoteReceipt,
  VoteRequest,
} from './schemas.ts';
import { choiceOf } from './seed-consensus.ts';
import { countVotes, type Decision, decide, decideAtDeadline } from './tally.ts';
import { consensusTopic, proposalTopic } from './topics.ts';
import type { VoterIdentities } from './voter-identity.ts';

export interface ProposeInput {
  swarmId: string;
  subject: string;
  /** Principal ids allowed to vote. */
  voters: readonly string[];
  /** @default { rule: 'majority' } */
  quorum?: Quorum;
  /** @default ['approve', 'reject'] */
  choices?: readonly string[];
  /** Voting time from now, in ms. Conflicts with `deadline`. @default the server's `defaultDeadlineMs` */
  deadlineMs?: number;
  /** When voting closes, in ms since 1970. Conflicts with `deadlineMs`. */
  deadline?: number;
  /** @default a random UUID */
  proposalId?: string;
  at?: number;
  /** Any other field travels on the proposal event (the seed API's `proposal`, ...). */
  [field: string]: unknown;
}

/** A proposal's state as the hub sees it. */
export interface ProposalState {
  proposal: SwarmProposalEvent;
  votes: Record<string, string>;
  result: SwarmConsensusEvent | undefined;
}

interface Ballot {
  proposal: SwarmProposalEvent;
  votes: Map<string, string>;
  timer: ReturnType<typeof setTimeout> | undefined;
  result: SwarmConsensusEvent | undefined;
}

export interface ConsensusHooks {
  publish(topic: string, data: unknown): Promise<unknown>;
  onVote(receipt: VoteReceipt): void;
  onResult(result: SwarmConsensusEvent): void;
  onError(error: Error): void;
}

/** Longest delay `setTimeout` honours; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Hub-side consensus: proposals, the votes cast through the `swarm.vote` route, and exactly
 * one published result per proposal, decided by `decide()` after each vote or by the
 * deadline timer. Decided proposals are remembered (up to `maxClosed`) so that a late vote
 * gets a clear refusal instead of NOT_FOUND.
 */
export class ConsensusService {
  readonly #hooks: ConsensusHooks;
  readonly #defaultDeadlineMs: number;
  readonly #maxClosed: number;
  readonly #ballots = new Map<string, Ballot>();
  /** Keys of decided ballots, oldest first. */
  readonly #closed: string[] = [];
  #stopped = false;

  readonly #voters: VoterIdentities;

  constructor(
    hooks: ConsensusHooks,
    voters: VoterIdentities,
    defaultDeadlineMs: number,
    maxClosed: number,
  ) {
    this.#hooks = hooks;
    this.#voters = voters;
    this.#defaultDeadlineMs = defaultDeadlineMs;
    this.#maxClosed = maxClosed;
  }

  /**
   * Validates and publishes a proposal, and starts its deadline timer. Without `open`, a
   * proposal needs voters; an open one (no voters) lets anyone vote until the deadline.
   */
  async propose(
    input: ProposeInput,
    open = false,
  ): Promise<{ proposal: SwarmProposalEvent; published: unknown }> {
    if (this.#stopped) {
      throw new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'The swarm channel is closed');
    }
    const now = Date.now();
    const proposal = buildProposal(input, open, this.#defaultDeadlineMs, now);
    const { proposalId, deadline } = proposal;
    const topic = proposalTopic(proposal.swarmId, proposalId);
    const key = keyOf(proposal.swarmId, proposal.proposalId);
    if (this.#ballots.has(key)) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Proposal "${proposalId}" already exists in swarm "${proposal.swarmId}"`,
        { details: { field: 'proposalId' } },
      );
    }
    // Registered before the publish, so a vote racing the proposal event finds it.
    const ballot: Ballot = { proposal, votes: new Map(), timer: undefined, result: undefined };
    this.#ballots.set(key, ballot);
    ballot.timer = setTimeout(() => {
      ballot.timer = undefined;
      void this.#finish(ballot, decideAtDeadline(ballot.proposal, ballot.votes));
    }, deadline - now);
    let published: unknown;
    try {
      published = await this.#hooks.publish(topic, proposal);
    } catch (error) {
      clearTimeout(ballot.timer);
      this.#ballots.delete(key);
      throw error;
    }
    return { proposal, published };
  }

  /**
   * The `swarm.vote` handler: the vote counts for the caller's principal (see
   * `VoterIdentities` for the seed's voter argument).
   */
  async vote(data: unknown, context: HubRouteContext): Promise<VoteReceipt> {
    const request = parsePayload(VoteRequest, data, 'vote');
    const { swarmId, proposalId } = request;
    const voterId = this.#voters.resolve(context, request.voterId);
    const ballot = this.#ballots.get(keyOf(swarmId, proposalId));
    if (ballot === undefined) {
      throw new SwitchboardError(
        ErrorCode.NOT_FOUND,
        `No open proposal "${proposalId}" in swarm "${swarmId}": none was proposed on this hub (propose() or publishConsensus({ type: 'proposed' }) opens one), or it was decided long ago and forgotten`,
        { details: { field: 'proposalId' } },
      );
    }
    const open = ballot.proposal.voters.length === 0;
    if (voterId === undefined || !(open || ballot.proposal.voters.includes(voterId))) {
      throw refusal(
        ErrorCode.FORBIDDEN,
        'not-eligible',
        `${who(voterId)} may not vote on "${proposalId}"`,
        proposalId,
      );
    }
    if (ballot.votes.has(voterId)) {
      throw refusal(
        ErrorCode.FORBIDDEN,
        'already-voted',
        `${who(voterId)} already voted on "${proposalId}"`,
        proposalId,
      );
    }
    if (ballot.result === undefined && Date.now() >= ballot.proposal.deadline) {
      // The timer is due but has not run yet: the deadline decides, as it would have.
      await this.#finish(ballot, decideAtDeadline(ballot.proposal, ballot.votes));
    }
    if (ballot.result !== undefined) {
      if (ballot.result.reason === 'deadline') {
        throw refusal(
          ErrorCode.TIMEOUT,
          'deadline-passed',
          `Voting on "${proposalId}" closed at its deadline`,
          proposalId,
        );
      }
      throw refusal(
        ErrorCode.FORBIDDEN,
        'decided',
        `Proposal "${proposalId}" is already decided`,
        proposalId,
      );
    }
    const choice = choiceOf(request.choice, ballot.proposal.choices);
    if (!ballot.proposal.choices.includes(choice)) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Invalid vote: choice ${JSON.stringify(choice)} is not one of ${ballot.proposal.choices.join(', ')}`,
        { details: { field: 'choice' } },
      );
    }
    ballot.votes.set(voterId, choice);
    this.#voters.counted(context, voterId);
    const receipt: VoteReceipt = { swarmId, proposalId, voterId, choice, at: Date.now() };
    this.#hooks.onVote(receipt);
    const decision = decide(ballot.proposal, ballot.votes);
    // Answered after the result is in the hub's log: the deciding voter can read it at once.
    if (decision !== undefined) await this.#finish(ballot, decision);
    return receipt;
  }

  isManaged(swarmId: string, proposalId: string): boolean {
    return this.#ballots.has(keyOf(swarmId, proposalId));
  }

  get(swarmId: string, proposalId: string): ProposalState | undefined {
    const ballot = this.#ballots.get(keyOf(swarmId, proposalId));
    return ballot === undefined ? undefined : proposalStateOf(ballot);
  }

  /** Proposals still open. */
  open(): SwarmProposalEvent[] {
    return [...this.#ballots.values()].filter((b) => b.result === undefined).map((b) => b.proposal);
  }

  /** Clears every deadline timer; open proposals stay undecided and no result is published. */
  close(): void {
    this.#stopped = true;
    for (const ballot of this.#ballots.values()) {
      clearTimeout(ballot.timer);
      ballot.timer = undefined;
    }
  }

  async #finish(ballot: Ballot, decision: Decision): Promise<void> {
    // Decided synchronously, before any await: a second decision cannot slip in.
    if (ballot.result !== undefined || this.#stopped) return;
    clearTimeout(ballot.timer);
    ballot.timer = undefined;
    const { swarmId, proposalId } = ballot.proposal;
    const result = resultOf(ballot.proposal, ballot.votes, decision, Date.now());
    ballot.result = result;
    this.#remember(keyOf(swarmId, proposalId));
    this.#hooks.onResult(result);
    try {
      await this.#hooks.publish(consensusTopic(swarmId, proposalId), result);
    } catch (error) {
      this.#hooks.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #remember(key: string): void {
    this.#closed.push(key);
    while (this.#closed.length > this.#maxClosed) this.#ballots.delete(this.#closed.shift()!);
  }
}

export type RefusalReason = 'not-eligible' | 'already-voted' | 'decided' | 'deadline-passed';

/** Ids are single segments, so "." cannot occur in them and the key is unambiguous. */
/** What `get()` reports of a ballot: a copy, so callers cannot change the tally. */
export function proposalStateOf(ballot: {
  proposal: SwarmProposalEvent;
  votes: Map<string, string>;
  result: SwarmConsensusEvent | undefined;
}): ProposalState {
  return {
    proposal: ballot.proposal,
    votes: Object.fromEntries(ballot.votes),
    result: ballot.result,
  };
}

export function keyOf(swarmId: string, proposalId: string): string {
  return `${swarmId}.${proposalId}`;
}

export function who(voterId: string | undefined): string {
  return voterId === undefined ? 'An anonymous caller' : JSON.stringify(voterId);
}

/** A refused vote; `details.reason` tells the cases of one code apart. */
export function refusal(
  code: ErrorCode,
  reason: RefusalReason,
  message: string,
  proposalId: string,
): SwitchboardError {
  return new SwitchboardError(code, message, { details: { reason, proposalId } });
}

/**
 * Checks a `propose()` input and makes the proposal event (deadline from `deadlineMs` or
 * `deadline`); throws INVALID_MESSAGE naming the bad field. Without `open`, voters are needed.
 */
export function buildProposal(
  input: ProposeInput,
  open: boolean,
  defaultDeadlineMs: number,
  now: number,
): SwarmProposalEvent {
  if (input.deadline !== undefined && input.deadlineMs !== undefined) {
    throw new TypeError('propose(): "deadline" and "deadlineMs" conflict; pass one of them');
  }
  const { deadlineMs: givenDeadlineMs, ...fields } = input;
  const proposalId = input.proposalId ?? globalThis.crypto.randomUUID();
  proposalTopic(input.swarmId, proposalId); // INVALID_TOPIC naming the bad id first
  const deadlineMs = givenDeadlineMs ?? defaultDeadlineMs;
  const deadline = input.deadline ?? now + deadlineMs;
  if (!open && Array.isArray(input.voters) && input.voters.length === 0) {
    throw new SwitchboardError(
      ErrorCode.INVALID_MESSAGE,
      'Invalid proposal: voters: at least one voter (an open vote is publishConsensus({ type: "proposed" }) in a swarm without members)',
      { details: { field: 'voters' } },
    );
  }
  const proposal = parsePayload(
    SwarmProposalEvent,
    {
      ...fields,
      proposalId,
      quorum: input.quorum ?? { rule: 'majority' },
      deadline,
      at: input.at ?? (input.timestamp as number | undefined) ?? now,
    },
    'proposal',
  );
  if (!(deadline > now) || deadline - now > MAX_TIMER_MS) {
    throw new SwitchboardError(
      ErrorCode.INVALID_MESSAGE,
      `Invalid proposal: deadline must be in the future and at most ${MAX_TIMER_MS} ms away`,
      { details: { field: input.deadline === undefined ? 'deadlineMs' : 'deadline' } },
    );
  }
  return proposal;
}

/** The result event of a decided proposal, `at` the moment it was decided. */
export function resultOf(
  proposal: SwarmProposalEvent,
  votes: ReadonlyMap<string, string>,
  decision: Decision,
  at: number,
): SwarmConsensusEvent {
  const { swarmId, proposalId } = proposal;
  // Parsed, so that the seed API's `type`, `result` and `timestamp` are filled in.
  return parsePayload(
    SwarmConsensusEvent,
    {
      swarmId,
      proposalId,
      outcome: decision.outcome,
      ...(decision.winner === undefined ? {} : { winner: decision.winner }),
      tally: countVotes(proposal, votes),
      votes: Object.fromEntries(votes),
      decidedAt: at,
      reason: decision.reason,
      at,
    },
    'consensus result',
  );
}
