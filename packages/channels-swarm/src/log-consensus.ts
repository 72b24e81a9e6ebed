import type { HubRouteContext, HubRoutingRouter } from '@switchboard/channels-core';
import { parsePayload } from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import {
  type Ballot,
  type BallotRecord,
  ballotTopic,
  judgeVote,
  type VoteOutcome,
} from './ballot-rules.ts';
import {
  buildProposal,
  type ConsensusHooks,
  keyOf,
  type ProposalState,
  type ProposeInput,
  proposalStateOf,
  refusal,
  resultOf,
  who,
} from './consensus.ts';
import {
  SwarmConsensusEvent,
  SwarmProposalEvent,
  type VoteReceipt,
  VoteRequest,
} from './schemas.ts';
import { choiceOf } from './seed-consensus.ts';
import { type Decision, decide, decideAtDeadline } from './tally.ts';
import { consensusTopic, proposalTopic } from './topics.ts';
import type { VoterIdentities } from './voter-identity.ts';

/** An entry of the hub log as WSRouter's `published` event hands it over. */
export interface HubLogEntry {
  id: string;
  topic: string;
  data: unknown;
  offset: number;
  timestamp: number;
}

/** A router that also tells every entry of the log, from every node, in offset order. */
export interface HubLogRouter extends HubRoutingRouter {
  on(event: 'published', listener: (entry: HubLogEntry) => void): unknown;
  off(event: 'published', listener: (entry: HubLogEntry) => void): unknown;
}

/** How long a vote waits for this node to fold its entry before TIMEOUT. */
const FOLD_TIMEOUT_MS = 10_000;

/**
 * Consensus that every node of a cluster agrees on, derived from the shared log: a
 * deterministic fold over the proposal, vote, close and result entries in offset order,
 * which every node runs on the same entries and so reaches the same state.
 *
 * - A vote is appended (by the node the voter is on) with the id `vote:<swarm>:<proposal>:<voter>`:
 *   the log's idempotent append keeps one entry per voter, whichever nodes it was sent to.
 *   The voter's answer waits until this node folded that entry, and says what the fold
 *   made of it (counted, or refused as decided, late, not eligible, unknown).
 * - A vote counts when it comes (in offset order) before the decision and its entry's
 *   timestamp (the appending node's clock) is before the deadline.
 * - At the deadline every node appends `close:<swarm>:<proposal>`; one lands. The fold
 *   decides at the first deciding vote or at the close entry, whichever comes first.
 * - The node that folds the decision publishes the result with the id
 *   `consensus:<swarm>:<proposal>`; every node does, so one lands even if nodes die.
 */
export class LogConsensus {
  readonly #router: HubLogRouter;
  readonly #hooks: ConsensusHooks;
  readonly #voters: VoterIdentities;
  readonly #defaultDeadlineMs: number;
  readonly #maxClosed: number;
  readonly #ballots = new Map<string, Ballot>();
  readonly #closed: string[] = [];
  /** Vote and proposal entries this node waits to fold, by entry id. */
  readonly #waiting = new Map<string, (() => void)[]>();
  /** Outcomes of votes for proposals this node never saw, by entry id (bounded). */
  readonly #orphans = new Map<string, VoteOutcome>();
  #stopped = false;

  constructor(
    router: HubLogRouter,
    hooks: ConsensusHooks,
    voters: VoterIdentities,
    defaultDeadlineMs: number,
    maxClosed: number,
  ) {
    this.#router = router;
    this.#hooks = hooks;
    this.#voters = voters;
    this.#defaultDeadlineMs = defaultDeadlineMs;
    this.#maxClosed = maxClosed;
    router.on('published', this.#fold);
  }

  async propose(
    input: ProposeInput,
    open = false,
  ): Promise<{ proposal: SwarmProposalEvent; published: unknown }> {
    this.#checkRunning();
    const proposal = buildProposal(input, open, this.#defaultDeadlineMs, Date.now());
    const { swarmId, proposalId } = proposal;
    const id = `proposal:${swarmId}:${proposalId}`;
    const folded = this.#foldedPromise(id);
    const published = (await this.#router.publish(proposalTopic(swarmId, proposalId), proposal, {
      id,
    })) as { duplicate?: boolean };
    if (published.duplicate === true) {
      this.#unwait(id);
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Proposal "${proposalId}" already exists in swarm "${swarmId}"`,
        { details: { field: 'proposalId' } },
      );
    }
    await folded;
    return { proposal, published };
  }

  async vote(data: unknown, context: HubRouteContext): Promise<VoteReceipt> {
    this.#checkRunning();
    const request = parsePayload(VoteRequest, data, 'vote');
    const { swarmId, proposalId } = request;
    const voterId = this.#voters.resolve(context, request.voterId);
    if (voterId === undefined) {
      throw refusal(
        ErrorCode.FORBIDDEN,
        'not-eligible',
        `${who(voterId)} may not vote on "${proposalId}"`,
        proposalId,
      );
    }
    const known = this.#ballots.get(keyOf(swarmId, proposalId));
    const choice =
      known === undefined ? request.choice : choiceOf(request.choice, known.proposal.choices);
    if (known !== undefined && !known.proposal.choices.includes(choice)) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Invalid vote: choice ${JSON.stringify(choice)} is not one of ${known.proposal.choices.join(', ')}`,
        { details: { field: 'choice' } },
      );
    }
    const id = `vote:${swarmId}:${proposalId}:${voterId}`;
    const record: BallotRecord = { kind: 'vote', swarmId, proposalId, voterId, choice };
    const folded = this.#foldedPromise(id);
    const published = (await this.#router.publish(ballotTopic(swarmId, proposalId), record, {
      id,
    })) as { duplicate?: boolean };
    // A duplicate of a vote folded earlier brings no new entry to wait for.
    if (this.#outcome(swarmId, proposalId, id) !== undefined) this.#unwait(id);
    await folded;
    const outcome = this.#outcome(swarmId, proposalId, id);
    if (published.duplicate === true && outcome?.counted === true) {
      throw refusal(
        ErrorCode.FORBIDDEN,
        'already-voted',
        `${who(voterId)} already voted on "${proposalId}"`,
        proposalId,
      );
    }
    if (outcome === undefined) {
      throw new SwitchboardError(
        ErrorCode.INTERNAL_ERROR,
        `The vote on "${proposalId}" was not folded`,
      );
    }
    if (!outcome.counted) {
      if (outcome.reason === 'not-found') {
        throw new SwitchboardError(ErrorCode.NOT_FOUND, outcome.message, {
          details: { field: 'proposalId' },
        });
      }
      throw refusal(outcome.code, outcome.reason, outcome.message, proposalId);
    }
    this.#voters.counted(context, voterId);
    const receipt: VoteReceipt = {
      swarmId,
      proposalId,
      voterId,
      choice: outcome.choice,
      at: outcome.at,
    };
    this.#hooks.onVote(receipt);
    return receipt;
  }

  isManaged(swarmId: string, proposalId: string): boolean {
    return this.#ballots.has(keyOf(swarmId, proposalId));
  }

  get(swarmId: string, proposalId: string): ProposalState | undefined {
    const ballot = this.#ballots.get(keyOf(swarmId, proposalId));
    return ballot === undefined ? undefined : proposalStateOf(ballot);
  }

  close(): void {
    this.#stopped = true;
    this.#router.off('published', this.#fold);
    for (const ballot of this.#ballots.values()) clearTimeout(ballot.timer);
    for (const resolvers of this.#waiting.values()) for (const resolve of resolvers) resolve();
    this.#waiting.clear();
  }

  readonly #fold = (entry: HubLogEntry): void => {
    // `swarm.<swarmId>.<kind>.<proposalId>`: the kinds this fold reads have four segments.
    const segments = entry.topic.split('.');
    if (segments[0] !== 'swarm' || segments.length !== 4) return;
    const kind = segments[2];
    try {
      if (kind === 'proposal') this.#foldProposal(entry);
      else if (kind === 'consensus') this.#foldResult(entry);
      else if (kind === 'ballot') this.#foldBallot(entry);
    } catch (error) {
      this.#hooks.onError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      const resolvers = this.#waiting.get(entry.id);
      if (resolvers !== undefined) {
        this.#waiting.delete(entry.id);
        for (const resolve of resolvers) resolve();
      }
    }
  };

  #foldProposal(entry: HubLogEntry): void {
    const proposal = SwarmProposalEvent.safeParse(entry.data);
    if (!proposal.success) return;
    const { swarmId, proposalId, deadline } = proposal.data;
    const key = keyOf(swarmId, proposalId);
    if (this.#ballots.has(key)) return;
    const ballot: Ballot = {
      proposal: proposal.data,
      votes: new Map(),
      outcomes: new Map(),
      timer: undefined,
      result: undefined,
    };
    this.#ballots.set(key, ballot);
    // Every node closes at the deadline; the log keeps one close entry.
    ballot.timer = setTimeout(
      () => {
        ballot.timer = undefined;
        if (ballot.result !== undefined || this.#stopped) return;
        const close: BallotRecord = { kind: 'close', swarmId, proposalId };
        this.#router
          .publish(ballotTopic(swarmId, proposalId), close, {
            id: `close:${swarmId}:${proposalId}`,
          })
          .catch((error: unknown) =>
            this.#hooks.onError(error instanceof Error ? error : new Error(String(error))),
          );
      },
      Math.max(0, deadline - Date.now()),
    );
  }

  #foldBallot(entry: HubLogEntry): void {
    const record = entry.data as BallotRecord;
    const ballot = this.#ballots.get(keyOf(String(record?.swarmId), String(record?.proposalId)));
    if (record?.kind === 'close') {
      if (ballot !== undefined)
        this.#decide(ballot, decideAtDeadline(ballot.proposal, ballot.votes), entry);
      return;
    }
    if (record?.kind !== 'vote') return;
    const { proposalId, voterId } = record;
    if (ballot === undefined) {
      this.#orphans.set(entry.id, {
        counted: false,
        code: ErrorCode.NOT_FOUND,
        reason: 'not-found',
        message: `No open proposal "${proposalId}" in swarm "${record.swarmId}": none was proposed on this hub, or it was decided long ago and forgotten`,
      });
      while (this.#orphans.size > this.#maxClosed)
        this.#orphans.delete(this.#orphans.keys().next().value!);
      return;
    }
    const outcome = judgeVote(ballot, record, entry.timestamp);
    ballot.outcomes.set(entry.id, outcome);
    if (!outcome.counted) return;
    ballot.votes.set(voterId, outcome.choice);
    const decision = decide(ballot.proposal, ballot.votes);
    if (decision !== undefined) this.#decide(ballot, decision, entry);
  }

  /** A result entry (ours or another node's): the ballot is decided as it says. */
  #foldResult(entry: HubLogEntry): void {
    const result = SwarmConsensusEvent.safeParse(entry.data);
    if (!result.success) return;
    const ballot = this.#ballots.get(keyOf(result.data.swarmId, result.data.proposalId));
    if (ballot === undefined || ballot.result !== undefined) return;
    clearTimeout(ballot.timer);
    ballot.result = result.data;
    this.#remember(keyOf(result.data.swarmId, result.data.proposalId));
  }

  #decide(ballot: Ballot, decision: Decision, at: HubLogEntry): void {
    if (ballot.result !== undefined) return;
    clearTimeout(ballot.timer);
    ballot.timer = undefined;
    const { swarmId, proposalId } = ballot.proposal;
    // Timestamped by the deciding entry, so every node makes the very same result.
    const result = resultOf(ballot.proposal, ballot.votes, decision, at.timestamp);
    ballot.result = result;
    this.#remember(keyOf(swarmId, proposalId));
    this.#hooks.onResult(result);
    if (this.#stopped) return;
    this.#router
      .publish(consensusTopic(swarmId, proposalId), result, {
        id: `consensus:${swarmId}:${proposalId}`,
      })
      .catch((error: unknown) =>
        this.#hooks.onError(error instanceof Error ? error : new Error(String(error))),
      );
  }

  #outcome(swarmId: string, proposalId: string, id: string): VoteOutcome | undefined {
    return this.#ballots.get(keyOf(swarmId, proposalId))?.outcomes.get(id) ?? this.#orphans.get(id);
  }

  /** Resolves once this node folded the entry `id` (or after FOLD_TIMEOUT_MS: TIMEOUT). */
  #foldedPromise(id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#unwait(id);
        reject(
          new SwitchboardError(
            ErrorCode.TIMEOUT,
            `This hub node did not receive its own entry "${id}" in time`,
          ),
        );
      }, FOLD_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const list = this.#waiting.get(id);
      if (list === undefined) this.#waiting.set(id, [done]);
      else list.push(done);
    });
  }

  #unwait(id: string): void {
    const list = this.#waiting.get(id);
    this.#waiting.delete(id);
    for (const resolve of list ?? []) resolve();
  }

  #remember(key: string): void {
    this.#closed.push(key);
    while (this.#closed.length > this.#maxClosed) this.#ballots.delete(this.#closed.shift()!);
  }

  #checkRunning(): void {
    if (this.#stopped) {
      throw new SwitchboardError(ErrorCode.SERVER_SHUTTING_DOWN, 'The swarm channel is closed');
    }
  }
}
