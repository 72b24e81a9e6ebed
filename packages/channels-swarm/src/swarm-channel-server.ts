import type { HubPublishResult, HubRoutingRouter, Without } from '@switchboard/channels-core';
import {
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkOneOf,
  checkType,
  ErrorCode,
  SwitchboardError,
  TypedEmitter,
  withDefaults,
} from '@switchboard/protocol';
import { SWARM_CHANNEL } from './channel.ts';
import { ClusterPresence, type PresenceCluster } from './cluster-presence.ts';
import {
  type ConsensusHooks,
  ConsensusService,
  type ProposalState,
  type ProposeInput,
} from './consensus.ts';
import { type HubLogRouter, LogConsensus } from './log-consensus.ts';
import {
  type PresenceChange,
  type PresenceSource,
  PresenceTracker,
  type SwarmOf,
  swarmIdOfPrincipal,
} from './presence-tracker.ts';
import type {
  SwarmConsensusEvent,
  SwarmConsensusInput,
  SwarmCoordinationInput,
  SwarmPresenceEvent,
  SwarmPresenceInput,
  SwarmProposalEvent,
  SwarmTopologyInput,
  Topology,
  VoteReceipt,
} from './schemas.ts';
import {
  type ConsensusDecidedInput,
  type ConsensusProposedInput,
  type PublishConsensusInput,
  seedProposal,
  seedResult,
} from './seed-consensus.ts';
import { consensusTopic, SWARM_VOTE_METHOD, topologyTopic } from './topics.ts';
import { VOTER_NAMES, VoterIdentities, type VoterNames } from './voter-identity.ts';

/** The seed API's presence calls: `publishAgentJoined` / `publishAgentLeft`. */
export type AgentPresenceInput = Without<SwarmPresenceInput, 'event'>;

export interface SwarmChannelServerOptions {
  /**
   * Connection events for presence: pass the WSServer. Without it no presence is published
   * automatically (`publishPresence` still works).
   */
  presence?: PresenceSource;
  /** The swarm(s) a principal belongs to. @default `principal.swarmId` when it is a string */
  swarmOf?: SwarmOf;
  /** Voting time of a proposal given neither `deadline` nor `deadlineMs`. @default 30_000 */
  defaultDeadlineMs?: number;
  /** Decided proposals remembered, so late votes get a clear refusal. @default 1_000 */
  maxClosedProposals?: number;
  /**
   * Whether a connection `authenticate` did not name (it returned `true`) may name its
   * voter with `submitVote`'s fourth argument, as the seed API did; see the README.
   * @default 'unnamed-connections'
   */
  voterNames?: VoterNames;
  /**
   * Where the tally lives. `'node'`: in this server's memory (one hub node). `'log'`: a
   * fold over the hub's shared log, so that every node of a cluster (one SwarmChannelServer
   * per node, on a shared engine such as RedisEngine) accepts votes for every proposal and
   * publishes the same one result; needs a router with the `published` event (WSRouter).
   * See the README, "Consensus across nodes".
   * @default 'node'
   */
  consensus?: 'node' | 'log';
  /**
   * Presence across the nodes of a cluster: pass the WSServer's `server.cluster` (with a
   * cluster bus such as RedisClusterBus). Presence events then carry `node`, `members()`
   * lists the members of every node, and the members of a node that left the cluster
   * (stopped, or died: its heartbeat expired) are published as `left`, once each. Needs a
   * router with the `published` event (WSRouter). See the README, "Presence across nodes".
   */
  cluster?: PresenceCluster;
}

export const SWARM_CHANNEL_SERVER_DEFAULTS = {
  defaultDeadlineMs: 30_000,
  maxClosedProposals: 1_000,
  voterNames: 'unnamed-connections',
  consensus: 'node' as 'node' | 'log',
} as const satisfies Omit<Required<SwarmChannelServerOptions>, 'presence' | 'swarmOf' | 'cluster'>;

/** Local events of SwarmChannelServer (the same things also go to the hub). */
export interface SwarmChannelServerEvents {
  /** A vote was accepted. */
  vote: (receipt: VoteReceipt) => void;
  /** A proposal was decided; its result is being published. */
  consensus: (result: SwarmConsensusEvent) => void;
  presence: (event: SwarmPresenceEvent) => void;
  /** A publish the server made on its own (presence, a result at the deadline) failed. */
  error: (error: Error) => void;
}

/**
 * The swarm channel on the hub: topology and presence events, and consensus as a hub-side
 * service. Votes arrive through the `swarm.vote` request route, where the voter is the
 * authenticated principal; the hub tallies and publishes one result per proposal. Only this
 * server (the coordinator's side) publishes topology and results: configure the hub so that
 * agents may not publish `swarm.*` topics.
 */
export class SwarmChannelServer extends TypedEmitter<SwarmChannelServerEvents> {
  readonly #router: HubRoutingRouter;
  readonly #consensus: Pick<ConsensusService, 'propose' | 'vote' | 'isManaged' | 'get' | 'close'>;
  readonly #presenceSource: PresenceSource | undefined;
  readonly #presence: PresenceTracker;
  readonly #clusterPresence: ClusterPresence | undefined;
  readonly #unroute: () => void;
  /** Last topology version and topology published per swarm. */
  readonly #versions = new Map<string, number>();
  readonly #topologies = new Map<string, Topology>();
  /** Agents announced by hand (`publishAgentJoined`, `publishPresence`), per swarm. */
  readonly #announced = new Map<string, Set<string>>();

  constructor(router: HubRoutingRouter, options: SwarmChannelServerOptions = {}) {
    super();
    const owner = 'SwarmChannelServer';
    checkKnownOptions(owner, options, [
      'presence',
      'swarmOf',
      'cluster',
      ...Object.keys(SWARM_CHANNEL_SERVER_DEFAULTS),
    ]);
    const o = withDefaults(SWARM_CHANNEL_SERVER_DEFAULTS, options);
    // A timer delay: setTimeout would fire a longer one at once.
    checkDuration(owner, 'defaultDeadlineMs', o.defaultDeadlineMs);
    checkInteger(owner, 'maxClosedProposals', o.maxClosedProposals, { min: 1 });
    checkOneOf(owner, 'voterNames', o.voterNames, VOTER_NAMES);
    checkOneOf(owner, 'consensus', o.consensus, ['node', 'log']);
    checkType(owner, 'presence', o.presence, 'object');
    checkType(owner, 'swarmOf', o.swarmOf, 'function');
    checkType(owner, 'cluster', o.cluster, 'object');
    if (o.cluster !== undefined && typeof o.cluster.onNodeLeft !== 'function') {
      throw new TypeError(
        'SwarmChannelServer option "cluster" must be server.cluster (nodeId and onNodeLeft)',
      );
    }
    if (typeof router?.route !== 'function') {
      throw new TypeError('SwarmChannelServer needs a router with route() for swarm.vote');
    }
    this.#router = router;
    const reportError = (error: Error) => this.emit('error', error);
    const hooks: ConsensusHooks = {
      publish: (topic, data) => router.publish(topic, data),
      onVote: (receipt) => this.emit('vote', receipt),
      onResult: (result) => this.emit('consensus', result),
      onError: reportError,
    };
    const voters = new VoterIdentities(o.voterNames);
    const logRouter = router as Partial<HubLogRouter>;
    const hasLog = typeof logRouter.on === 'function' && typeof logRouter.off === 'function';
    for (const [option, used] of [
      ['consensus: "log"', o.consensus === 'log'],
      ['cluster', o.cluster !== undefined],
    ] as const) {
      if (used && !hasLog) {
        throw new TypeError(
          `SwarmChannelServer option ${option} needs a router with the published event (WSRouter)`,
        );
      }
    }
    this.#clusterPresence =
      o.cluster === undefined
        ? undefined
        : new ClusterPresence(router as HubLogRouter, o.cluster, (left) => {
            const { id, ...rest } = left;
            this.#publishPresence(
              { ...rest, event: 'left', reason: `node ${left.node} left the cluster` },
              id,
            ).catch((error: unknown) =>
              this.emit('error', error instanceof Error ? error : new Error(String(error))),
            );
          });
    if (o.consensus === 'log') {
      this.#consensus = new LogConsensus(
        router as HubLogRouter,
        hooks,
        voters,
        o.defaultDeadlineMs,
        o.maxClosedProposals,
      );
    } else {
      this.#consensus = new ConsensusService(
        hooks,
        voters,
        o.defaultDeadlineMs,
        o.maxClosedProposals,
      );
    }
    this.#presence = new PresenceTracker(
      o.swarmOf ?? swarmIdOfPrincipal,
      (change) => this.#publishPresenceChange(change),
      reportError,
    );
    this.#unroute = router.route({
      method: SWARM_VOTE_METHOD,
      handler: (data, context) => this.#consensus.vote(data, context),
    });
    this.#presenceSource = o.presence;
    if (this.#presenceSource !== undefined) {
      this.#presenceSource.on('authenticated', this.#presence.connected);
      this.#presenceSource.on('disconnection', this.#presence.disconnected);
      for (const client of this.#presenceSource.getConnectedClients?.() ?? []) {
        this.#presence.connected(client);
      }
    }
  }

  /**
   * Publishes `swarm.<swarmId>.topology`. `version` defaults to one more than the last one
   * published here for the swarm (an explicit version must be greater), `previous` to the
   * last topology published here, `agents` to the swarm's members. Takes the seed API's
   * `oldTopology` / `newTopology` too.
   */
  async publishTopologyChange(input: SwarmTopologyInput): Promise<HubPublishResult> {
    topologyTopic(input.swarmId); // INVALID_TOPIC naming swarmId comes first
    const last = this.#versions.get(input.swarmId) ?? 0;
    const version = input.version ?? last + 1;
    if (this.#versions.has(input.swarmId) && version <= last) {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `Invalid topology change: version ${version} is not after ${last}`,
        { details: { field: 'version' } },
      );
    }
    const previous = this.#topologies.get(input.swarmId);
    const { topic, payload } = SWARM_CHANNEL.prepare(
      'topology',
      {
        ...input,
        version,
        agents: input.agents ?? this.members(input.swarmId),
        ...(input.previous === undefined && input.oldTopology === undefined && previous
          ? { previous }
          : {}),
      },
      'topology change',
    );
    const result = await this.#router.publish(topic, payload);
    this.#versions.set(
      payload.swarmId,
      Math.max(version, this.#versions.get(payload.swarmId) ?? 0),
    );
    if (this.#versions.get(payload.swarmId) === version) {
      this.#topologies.set(payload.swarmId, payload.topology);
    }
    return result;
  }

  /**
   * Publishes `swarm.<swarmId>.presence` by hand (automatic with the `presence` option). The
   * agent counts as a member of the swarm from `joined` until `left`.
   */
  async publishPresence(input: SwarmPresenceInput): Promise<HubPublishResult> {
    const result = await this.#publishPresence(input);
    const { swarmId, agentId } = input;
    const announced = this.#announced.get(swarmId) ?? new Set<string>();
    if (input.event === 'joined') this.#announced.set(swarmId, announced.add(agentId));
    else if (announced.delete(agentId) && announced.size === 0) this.#announced.delete(swarmId);
    return result;
  }

  /** The seed API's name: `publishPresence({ ...input, event: 'joined' })`. */
  publishAgentJoined(input: AgentPresenceInput): Promise<HubPublishResult> {
    return this.publishPresence({ ...input, event: 'joined' });
  }

  /** The seed API's name: `publishPresence({ ...input, event: 'left' })`. */
  publishAgentLeft(input: AgentPresenceInput): Promise<HubPublishResult> {
    return this.publishPresence({ ...input, event: 'left' });
  }

  /** Publishes `swarm.<swarmId>.coordination` (task assignment, rebalancing, ...). */
  publishCoordination(input: SwarmCoordinationInput): Promise<HubPublishResult> {
    return SWARM_CHANNEL.publish(this.#router, 'coordination', input, 'coordination event');
  }

  async #publishPresence(input: SwarmPresenceInput, id?: string): Promise<HubPublishResult> {
    const { topic, payload } = SWARM_CHANNEL.prepare('presence', input, 'presence event');
    this.emit('presence', payload);
    return this.#router.publish(topic, payload, id === undefined ? undefined : { id });
  }

  /**
   * Publishes a result decided elsewhere to `swarm.<swarmId>.consensus.<proposalId>`. Refused
   * (FORBIDDEN, `details.reason: 'managed'`) for a proposal tallied here: the tally
   * publishes that one, exactly once.
   *
   * The seed API's calls: `type: 'proposed'` opens a round tallied here (see the README for
   * its defaults) and resolves once the proposal is published; `type: 'accepted' |
   * 'rejected'` with `result` and `votes: [{ agentId, vote }]` is a result decided elsewhere.
   */
  async publishConsensus(input: PublishConsensusInput): Promise<HubPublishResult> {
    consensusTopic(input.swarmId, input.proposalId); // INVALID_TOPIC naming the bad id comes first
    if (input.type === 'proposed') {
      const seed = input as ConsensusProposedInput;
      const { published } = await this.#consensus.propose(
        seedProposal(seed, this.members(seed.swarmId)),
        true,
      );
      return published as HubPublishResult;
    }
    if ((input.type as string | undefined) === 'voting') {
      throw new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        'Invalid consensus event: type: votes go through submitVote(), which the hub tallies',
        { details: { field: 'type' } },
      );
    }
    const result =
      (input as SwarmConsensusInput).outcome === undefined && input.type !== undefined
        ? seedResult(input as ConsensusDecidedInput)
        : (input as SwarmConsensusInput);
    if (this.#consensus.isManaged(input.swarmId, input.proposalId)) {
      throw new SwitchboardError(
        ErrorCode.FORBIDDEN,
        `Proposal "${input.proposalId}" is tallied by this server; its result is published when decided`,
        { details: { reason: 'managed', field: 'proposalId' } },
      );
    }
    return SWARM_CHANNEL.publish(this.#router, 'consensus', result, 'consensus result');
  }

  /**
   * Publishes a proposal to `swarm.<swarmId>.proposal.<proposalId>` and opens it for votes
   * until its deadline. Resolves with the proposal as published.
   */
  async propose(input: ProposeInput): Promise<SwarmProposalEvent> {
    return (await this.#consensus.propose(input)).proposal;
  }

  /** A proposal's state: open or decided (recently), with its votes and result. */
  getProposal(swarmId: string, proposalId: string): ProposalState | undefined {
    return this.#consensus.get(swarmId, proposalId);
  }

  /**
   * Principals connected to the swarm (with the `presence` option), and agents announced by
   * hand (`publishAgentJoined`, `publishPresence`) that have not left.
   */
  members(swarmId: string): string[] {
    const connected = this.#presence.members(swarmId);
    const elsewhere = this.#clusterPresence?.members(swarmId) ?? [];
    const announced = this.#announced.get(swarmId);
    if (announced === undefined && elsewhere.length === 0) return connected;
    return [...new Set([...connected, ...elsewhere, ...(announced ?? [])])];
  }

  /**
   * Clears all deadline timers, removes the `swarm.vote` route and stops following
   * connections. Open proposals stay undecided: no result is published for them.
   */
  close(): void {
    this.#consensus.close();
    this.#clusterPresence?.close();
    this.#unroute();
    if (this.#presenceSource !== undefined) {
      this.#presenceSource.off('authenticated', this.#presence.connected);
      this.#presenceSource.off('disconnection', this.#presence.disconnected);
    }
  }

  #publishPresenceChange(change: PresenceChange): void {
    const cluster = this.#clusterPresence;
    const node = cluster?.nodeId;
    const id =
      cluster !== undefined && change.event === 'left'
        ? cluster.leftId(change.swarmId, change.agentId, cluster.nodeId)
        : undefined;
    this.#publishPresence(node === undefined ? { ...change } : { ...change, node }, id).catch(
      (error: unknown) =>
        this.emit('error', error instanceof Error ? error : new Error(String(error))),
    );
  }
}
