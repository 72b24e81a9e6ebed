import type { ChannelClientOptions } from '@switchboard/channels-core';
import {
  ChannelSubscriptions,
  type EventMeta,
  type HubClient,
  type HubEvent,
  metaOf,
  mismatch,
  parsePayload,
  type Since,
  selectKinds,
  waitForLast,
} from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol';
import {
  SwarmConsensusEvent,
  SwarmPresenceEvent,
  SwarmProposalEvent,
  SwarmTopologyEvent,
  VoteReceipt,
  VoteRequest,
} from './schemas.ts';
import {
  consensusTopic,
  type ParsedSwarmTopic,
  parseSwarmTopic,
  SWARM_EVENT_KINDS,
  SWARM_VOTE_METHOD,
  type SwarmEventKind,
  swarmPattern,
} from './topics.ts';

type Listener<T> = (event: T, meta: EventMeta) => void;

/** Events of SwarmChannelClient. `<name>:<swarmId>` carries the events of one swarm. */
export interface SwarmChannelEvents {
  'topology-change': Listener<SwarmTopologyEvent>;
  presence: Listener<SwarmPresenceEvent>;
  proposal: Listener<SwarmProposalEvent>;
  consensus: Listener<SwarmConsensusEvent>;
  /** An event on a subscribed topic failed validation and was dropped. */
  error: (error: SwitchboardError) => void;
  [perSwarm: `topology-change:${string}`]: Listener<SwarmTopologyEvent>;
  [perSwarm: `presence:${string}`]: Listener<SwarmPresenceEvent>;
  [perSwarm: `proposal:${string}`]: Listener<SwarmProposalEvent>;
  [perSwarm: `consensus:${string}`]: Listener<SwarmConsensusEvent>;
}

export interface SwarmSubscribeOptions {
  /** Which event kinds. @default all four: topology, presence, proposal, consensus */
  kinds?: readonly SwarmEventKind[];
  /** Start from history: `'last'` replays each topic's retained last value. */
  since?: Since;
}

export type SwarmChannelClientOptions = ChannelClientOptions;

const SCHEMAS = {
  topology: SwarmTopologyEvent,
  presence: SwarmPresenceEvent,
  proposal: SwarmProposalEvent,
  consensus: SwarmConsensusEvent,
} as const;

/**
 * The swarm channel over a hub client: follow a swarm's topology, presence, proposals and
 * results; vote; wait for a result. Works with any object shaped like `WSClient`.
 */
export class SwarmChannelClient extends TypedEmitter<SwarmChannelEvents> {
  readonly #client: HubClient;
  readonly #subscriptions: ChannelSubscriptions;

  constructor(client: HubClient, options: SwarmChannelClientOptions = {}) {
    super();
    this.#client = client;
    this.#subscriptions = new ChannelSubscriptions(
      client,
      (event) => this.#onEvent(event),
      options.maxTrackedTopics,
    );
  }

  /**
   * Subscribes to one swarm: `swarm.<id>.topology`, `swarm.<id>.presence`,
   * `swarm.<id>.proposal.*`, `swarm.<id>.consensus.*`.
   */
  async subscribeToSwarm(swarmId: string, options: SwarmSubscribeOptions = {}): Promise<void> {
    const patterns = kindsOf(options).map((kind) => swarmPattern(swarmId, kind));
    await this.#subscriptions.add(patterns, options.since);
  }

  async unsubscribeFromSwarm(swarmId: string): Promise<void> {
    await this.#subscriptions.remove(SWARM_EVENT_KINDS.map((kind) => swarmPattern(swarmId, kind)));
  }

  /** Subscribes to every swarm (`swarm.*.topology`, ...). */
  async subscribeAll(options: SwarmSubscribeOptions = {}): Promise<void> {
    await this.#subscriptions.add(
      kindsOf(options).map((kind) => swarmPattern('*', kind)),
      options.since,
    );
  }

  async unsubscribeAll(): Promise<void> {
    await this.#subscriptions.remove(SWARM_EVENT_KINDS.map((kind) => swarmPattern('*', kind)));
  }

  /**
   * Votes through the hub's `swarm.vote` route. The hub counts the vote for this connection's
   * principal; the fourth argument of the older API (a voter id) is accepted and ignored.
   * Rejects with FORBIDDEN (`details.reason`: `not-eligible`, `already-voted`, `decided`),
   * TIMEOUT (`deadline-passed`), NOT_FOUND or INVALID_MESSAGE (`details.field`).
   */
  async submitVote(
    swarmId: string,
    proposalId: string,
    choice: string,
    _voterId?: string,
  ): Promise<VoteReceipt> {
    consensusTopic(swarmId, proposalId); // INVALID_TOPIC naming the bad id
    const request = parsePayload(VoteRequest, { swarmId, proposalId, choice }, 'vote');
    const response = await this.#client.request(SWARM_VOTE_METHOD, request);
    return parsePayload(VoteReceipt, response, 'vote receipt');
  }

  /**
   * Resolves with the proposal's result, even when it was published before this call (the
   * hub's retained last value). With `timeoutMs`, rejects with a TIMEOUT SwitchboardError.
   * Its listener and subscription are removed either way.
   */
  waitForConsensus(
    swarmId: string,
    proposalId: string,
    timeoutMs?: number,
  ): Promise<SwarmConsensusEvent> {
    let topic: string;
    try {
      topic = consensusTopic(swarmId, proposalId);
    } catch (error) {
      return Promise.reject(error);
    }
    return waitForLast<SwarmConsensusEvent>(this.#client, {
      topics: [topic],
      timeoutMs,
      what: `consensus on proposal "${proposalId}" in swarm "${swarmId}"`,
      decide: (event) => ({ value: this.#parse(event)!.payload as SwarmConsensusEvent }),
      onInvalid: (error) => this.emit('error', error),
    });
  }

  /** Unsubscribes everything this channel subscribed and removes its listener from the client. */
  async close(): Promise<void> {
    await this.#subscriptions.removeAll();
  }

  /** Validates an event of a swarm topic; throws INVALID_MESSAGE naming the field. */
  #parse(event: HubEvent): { topic: ParsedSwarmTopic; payload: unknown } | undefined {
    const topic = parseSwarmTopic(event.topic);
    if (topic === undefined) return undefined;
    const payload = parsePayload(
      SCHEMAS[topic.kind],
      event.data,
      `swarm ${topic.kind} event`,
      event.topic,
    ) as { swarmId: string; proposalId?: string };
    if (payload.swarmId !== topic.swarmId) throw mismatch('swarmId', payload.swarmId, event.topic);
    if (topic.proposalId !== undefined && payload.proposalId !== topic.proposalId) {
      throw mismatch('proposalId', String(payload.proposalId), event.topic);
    }
    return { topic, payload };
  }

  #onEvent(event: HubEvent): void {
    let parsed: { topic: ParsedSwarmTopic; payload: unknown } | undefined;
    try {
      parsed = this.#parse(event);
    } catch (error) {
      this.emit('error', SwitchboardError.from(error, ErrorCode.INVALID_MESSAGE));
      return;
    }
    if (parsed === undefined) return;
    const { topic, payload } = parsed;
    const meta = metaOf(event);
    const swarmId = topic.swarmId;
    // One case per kind keeps the payload types tied to the event names.
    switch (topic.kind) {
      case 'topology':
        this.emit('topology-change', payload as SwarmTopologyEvent, meta);
        this.emit(`topology-change:${swarmId}`, payload as SwarmTopologyEvent, meta);
        return;
      case 'presence':
        this.emit('presence', payload as SwarmPresenceEvent, meta);
        this.emit(`presence:${swarmId}`, payload as SwarmPresenceEvent, meta);
        return;
      case 'proposal':
        this.emit('proposal', payload as SwarmProposalEvent, meta);
        this.emit(`proposal:${swarmId}`, payload as SwarmProposalEvent, meta);
        return;
      case 'consensus':
        this.emit('consensus', payload as SwarmConsensusEvent, meta);
        this.emit(`consensus:${swarmId}`, payload as SwarmConsensusEvent, meta);
        return;
    }
  }
}

function kindsOf(options: SwarmSubscribeOptions): readonly SwarmEventKind[] {
  return selectKinds('swarm', SWARM_EVENT_KINDS, options.kinds);
}
