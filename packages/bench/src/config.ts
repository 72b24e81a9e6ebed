import { AGENT_MODES, type AgentMode, modeTarget } from './load/agents.ts';
import { TARGETS, type TargetId } from './targets.ts';

export interface BenchConfig {
  fanOut: {
    subscribers: number[];
    targets: TargetId[];
    warmupMs: number;
    windowMs: number;
    /** Closed loop: deliveries kept in flight, i.e. window = this / subscribers publishes... */
    inFlightDeliveries: number;
    /** ...but at least two bursts. */
    minInFlightPublishes: number;
    /** Publishes sent back to back (B2's batch size), whenever a whole burst fits the window. */
    burst: number;
    drainTimeoutMs: number;
  };
  latency: {
    subscribers: number;
    warmupMs: number;
    windowMs: number;
    /** Offered deliveries/s as a fraction of B0's saturation in this run. */
    lightFactor: number;
    heavyFactor: number;
    /** After the last scheduled publish, how long deliveries still count. */
    graceMs: number;
  };
  memory: {
    connections: number;
    /** Connected before the baseline reading, so one-time costs are not charged per connection. */
    warmupConnections: number;
    targets: TargetId[];
  };
  router: {
    sizes: number[];
    lookups: number;
  };
  manyPublishers: {
    /** Publisher (agent) connections per run. */
    publishers: number[];
    /** Subscribers on every agent topic (Switchboard `#`, NATS `agent.>`). */
    wildcardSubscribers: number;
    /** Agent connections per load process (each process stays far below 20,000 fds). */
    perProcess: number;
    /**
     * Publishes ahead of the slowest wildcard subscriber, over all agents; acks off, also the
     * per-agent window (inFlight / publishers, at least 1).
     */
    inFlight: number;
    modes: AgentMode[];
    warmupMs: number;
    windowMs: number;
    drainTimeoutMs: number;
  };
  replay: {
    /** Events published while the client is cut off, then replayed. */
    events: number;
    /** Measured rounds, after `warmupRounds` unmeasured ones. */
    rounds: number;
    warmupRounds: number;
    /** Hub history in events: enough for every round's gap with room to spare. */
    historySize: number;
    /** After the last replayed event, how long to wait for duplicates or strays. */
    settleMs: number;
  };
  slowConsumers: {
    subscribers: number;
    /** Subscribers that stop reading their socket (1%). */
    stalled: number;
    /** Offered deliveries/s as a fraction of Switchboard's fan-out saturation at `subscribers`. */
    loadFactor: number;
    queueSize: number;
    warmupMs: number;
    /** The measured window of each run (all reading; with stalled subscribers). */
    windowMs: number;
    /**
     * With stalled subscribers: the longest wait, from the first publish, for the first drop.
     * A stalled socket first absorbs what the kernel buffers (the sender's autotuned send
     * buffer reaches net.ipv4.tcp_wmem's maximum, 4 MiB by default), then the hub's queue.
     */
    maxSettleMs: number;
    /** After the first drop, before the window starts. */
    settleAfterDropMs: number;
    /** monitorEventLoopDelay resolution in the server, ms. */
    loopResolutionMs: number;
  };
  flood: {
    /** Subscribers of the flooded topics. */
    subscribers: number;
    warmupMs: number;
    windowMs: number;
    /** The flooder publishes while its socket buffers less than this. */
    maxBufferedBytes: number;
    /** The probe's ping interval. */
    pingIntervalMs: number;
    /** monitorEventLoopDelay resolution in the server, ms. */
    loopResolutionMs: number;
  };
}

const FULL: BenchConfig = {
  fanOut: {
    subscribers: [1_000, 10_000],
    targets: ['b0', 'b1', 'b2', 'socketio', 'switchboard', 'nats'],
    warmupMs: 2_000,
    windowMs: 5_000,
    inFlightDeliveries: 50_000,
    minInFlightPublishes: 40,
    burst: 20,
    drainTimeoutMs: 30_000,
  },
  latency: {
    subscribers: 1_000,
    warmupMs: 2_000,
    windowMs: 5_000,
    lightFactor: 0.5,
    heavyFactor: 5,
    graceMs: 2_000,
  },
  memory: {
    connections: 10_000,
    warmupConnections: 200,
    targets: ['b0', 'socketio', 'switchboard', 'nats'],
  },
  router: { sizes: [1_000, 1_000_000], lookups: 500_000 },
  manyPublishers: {
    publishers: [1_000, 10_000],
    wildcardSubscribers: 10,
    perProcess: 2_500,
    inFlight: 800,
    modes: [...AGENT_MODES],
    warmupMs: 2_000,
    windowMs: 5_000,
    drainTimeoutMs: 30_000,
  },
  replay: { events: 10_000, rounds: 5, warmupRounds: 3, historySize: 50_000, settleMs: 200 },
  slowConsumers: {
    subscribers: 1_000,
    stalled: 10,
    loadFactor: 0.8,
    queueSize: 1_000,
    warmupMs: 2_000,
    windowMs: 5_000,
    maxSettleMs: 45_000,
    settleAfterDropMs: 1_000,
    loopResolutionMs: 1,
  },
  flood: {
    subscribers: 500,
    warmupMs: 1_000,
    windowMs: 5_000,
    maxBufferedBytes: 1_048_576,
    pingIntervalMs: 10,
    loopResolutionMs: 1,
  },
};

const QUICK: BenchConfig = {
  ...FULL,
  fanOut: { ...FULL.fanOut, subscribers: [1_000], warmupMs: 1_000, windowMs: 2_500 },
  latency: { ...FULL.latency, warmupMs: 1_000, windowMs: 2_500, graceMs: 1_500 },
  memory: { ...FULL.memory, connections: 2_000 },
  router: { sizes: [1_000, 100_000], lookups: 200_000 },
  manyPublishers: { ...FULL.manyPublishers, publishers: [1_000], warmupMs: 1_000, windowMs: 2_500 },
  replay: { ...FULL.replay, rounds: 3, warmupRounds: 2 },
  slowConsumers: {
    ...FULL.slowConsumers,
    subscribers: 500,
    stalled: 5,
    warmupMs: 1_000,
    windowMs: 2_500,
    maxSettleMs: 30_000,
    settleAfterDropMs: 500,
  },
  flood: { ...FULL.flood, warmupMs: 500, windowMs: 2_500 },
};

export function configFor(quick: boolean): BenchConfig {
  return quick ? QUICK : FULL;
}

/** Narrows a run for profiling: fewer fan-out and memory targets, other subscriber counts. */
export function withOverrides(
  config: BenchConfig,
  overrides: {
    targets?: string[] | undefined;
    subscribers?: number[] | undefined;
    publishers?: number[] | undefined;
  },
): BenchConfig {
  const { targets, subscribers, publishers } = overrides;
  const unknown = targets?.filter((t) => !(TARGETS as readonly string[]).includes(t)) ?? [];
  if (unknown.length > 0) {
    throw new TypeError(`Unknown target(s) ${unknown.join(', ')}; known: ${TARGETS.join(', ')}`);
  }
  const keep = (list: TargetId[]) => (targets ? list.filter((t) => targets.includes(t)) : list);
  return {
    ...config,
    fanOut: {
      ...config.fanOut,
      targets: keep(config.fanOut.targets),
      subscribers: subscribers ?? config.fanOut.subscribers,
    },
    memory: { ...config.memory, targets: keep(config.memory.targets) },
    manyPublishers: {
      ...config.manyPublishers,
      publishers: publishers ?? config.manyPublishers.publishers,
      modes: config.manyPublishers.modes.filter((m) => !targets || targets.includes(modeTarget(m))),
    },
  };
}
