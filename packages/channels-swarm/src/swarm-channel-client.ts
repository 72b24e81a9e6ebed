import {
  ChannelClient,
  type ChannelClientOptions,
  type ChannelEvents,
  type HubClient,
  parsePayload,
  type SubscribeOptions,
} from '@switchboard/channels-core';
import { SWARM_CHANNEL, type SwarmChannelSpec } from './channel.ts';
import { type SwarmConsensusEvent, VoteReceipt, VoteRequest } from './schemas.ts';
import { consensusTopic, SWARM_VOTE_METHOD, type SwarmEventKind } from './topics.ts';

/**
 * Events of SwarmChannelClient: `topology-change`, `presence` (also as the seed API's
 * `agent-joined` / `agent-left`), `proposal`, `consensus` and `coordination`, each also as
 * `<name>:<swarmId>` for one swarm, and `error` for an event on a subscribed topic that
 * failed validation (dropped).
 */
export type SwarmChannelEvents = ChannelEvents<SwarmChannelSpec>;

/** `kinds` defaults to all five: topology, presence, proposal, consensus, coordination. */
export type SwarmSubscribeOptions = SubscribeOptions<SwarmEventKind>;

export type SwarmChannelClientOptions = ChannelClientOptions;

/**
 * The swarm channel over a hub client: follow a swarm's topology, presence, proposals and
 * results; vote; wait for a result. Works with any object shaped like `WSClient`.
 */
export class SwarmChannelClient extends ChannelClient<SwarmChannelSpec> {
  constructor(client: HubClient, options: SwarmChannelClientOptions = {}) {
    super(SWARM_CHANNEL, client, options);
  }

  /**
   * Subscribes to one swarm: `swarm.<id>.topology`, `swarm.<id>.presence`,
   * `swarm.<id>.proposal.*`, `swarm.<id>.consensus.*`, `swarm.<id>.coordination`.
   */
  subscribeToSwarm(swarmId: string, options: SwarmSubscribeOptions = {}): Promise<void> {
    return this.subscribeTo(swarmId, options);
  }

  unsubscribeFromSwarm(swarmId: string): Promise<void> {
    return this.unsubscribeFrom(swarmId);
  }

  /** Swarms this client subscribed to one by one. */
  getSubscribedSwarms(): string[] {
    return this.subscribedIds();
  }

  /**
   * Votes through the hub's `swarm.vote` route. The hub counts the vote for this connection's
   * principal. `voterId` (the seed API's fourth argument) must be that principal, except on
   * a connection `authenticate` did not name, where it names the voter (see the README).
   * The seed's `yes`/`no` and our `approve`/`reject` are the same votes.
   * Rejects with FORBIDDEN (`details.reason`: `voter-mismatch`, `not-eligible`,
   * `already-voted`, `decided`), TIMEOUT (`deadline-passed`), NOT_FOUND (no open proposal)
   * or INVALID_MESSAGE (`details.field`).
   */
  async submitVote(
    swarmId: string,
    proposalId: string,
    choice: string,
    voterId?: string,
  ): Promise<VoteReceipt> {
    consensusTopic(swarmId, proposalId); // INVALID_TOPIC naming the bad id
    const request = parsePayload(
      VoteRequest,
      voterId === undefined
        ? { swarmId, proposalId, choice }
        : { swarmId, proposalId, choice, voterId },
      'vote',
    );
    const response = await this.hub.request(SWARM_VOTE_METHOD, request);
    return parsePayload(VoteReceipt, response, 'vote receipt');
  }

  /**
   * Resolves with the proposal's result, even when it was published before this call (the
   * hub's retained last value); the result has the seed API's `type` and
   * `result: { accepted, votesFor, votesAgainst, abstentions }` too. With `timeoutMs`, rejects with a TIMEOUT SwitchboardError.
   * Its listener and subscription are removed either way.
   */
  waitForConsensus(
    swarmId: string,
    proposalId: string,
    timeoutMs?: number,
  ): Promise<SwarmConsensusEvent> {
    return this.waitForEvent(
      { id: swarmId, kinds: ['consensus'], subId: proposalId },
      {
        timeoutMs,
        what: `consensus on proposal "${proposalId}" in swarm "${swarmId}"`,
        owner: 'waitForConsensus',
      },
      (event) => ({ value: event.payload }),
    );
  }
}
