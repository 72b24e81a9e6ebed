import type { TargetId } from '../targets.ts';
import type { AgentMode } from './agents.ts';

export interface SubscriberConfig {
  name: string;
  target: TargetId;
  count: number;
  /** Replace one subscriber by a real `@switchboard/client` WSClient that checks every event. */
  witness: boolean;
  /** Emit `progress` (min/max messages per subscriber) this often; 0 = never. */
  progressMs: number;
  /** Connections opened at once. */
  concurrency: number;
  /** Subscribe to this instead of the bench pattern (many-publishers: every agent topic). */
  pattern?: string;
  /** The first subscriber parses every message and checks the payload sequence (default on). */
  sample?: boolean;
}

export interface SubscriberProgress {
  min: number;
  max: number;
  total: number;
}

export interface LoadMark {
  hrUs: number;
  cpuUs: number;
  /** Messages received by all subscribers of this process so far (publisher: sent). */
  total: number;
  /** Of `total`, received by the subscribers set aside with `setAside` (slow consumers). */
  setAside?: number;
}

export interface FinishArgs {
  /** When the scenario stopped waiting, µs: undelivered messages are counted up to here. */
  endUs: number;
  t0Us: number;
  intervalUs: number;
  /** Messages the publisher was scheduled to send, warm-up included. */
  count: number;
  /** The first `warmupCount` messages are not measured. */
  warmupCount: number;
}

export interface LatencySamples {
  /** µs from scheduled send to receipt, one per measured delivery. */
  samples: Int32Array;
  /** Lower bounds (endUs - scheduled) for measured messages a subscriber never got. */
  missing: Int32Array;
  delivered: number;
  expected: number;
  dropped: number;
}

export interface Verification {
  subscribers: number;
  min: number;
  max: number;
  total: number;
  /** `dropped` notices (Switchboard slow-consumer policy) received. */
  dropped: number;
  /** Messages parsed in full and checked on the sampled subscribers. */
  sampled: number;
  errors: string[];
  witness?: { events: number; errors: string[] };
  /** When subscribers were set aside: figures for them and for the others. */
  setAside?: SetAsideState;
}

export interface SetAsideState {
  subscribers: number;
  stalled: boolean;
  min: number;
  max: number;
  dropped: number;
  /** The other subscribers of the process. */
  healthyMin: number;
  healthyMax: number;
  healthyDropped: number;
}

export type SubscriberCommands = {
  /** Opens the subscribers against the server on `port` (known only once it listens). */
  connect: { args: { port: number }; result: { connected: number; ms: number } };
  mark: { args: null; result: LoadMark };
  /** Start recording latency for messages scheduled at or after `measureFromUs`. */
  arm: { args: { measureFromUs: number }; result: null };
  finish: { args: FinishArgs; result: LatencySamples };
  verify: { args: null; result: Verification };
  /**
   * Sets the last `count` subscribers of the process aside (never the checked first one):
   * they are counted apart in `mark` and `verify`, and `stall` pauses them.
   */
  setAside: { args: { count: number }; result: { setAside: number } };
  /** Stops reading the sockets of the set-aside subscribers (stalled consumers). */
  stall: { args: null; result: { stalled: number } };
  /** Reads them again. */
  resume: { args: null; result: null };
};

export interface PublisherConfig {
  name: string;
  target: TargetId;
}

export interface PacedArgs {
  t0Us: number;
  intervalUs: number;
  count: number;
}

export interface PacedResult {
  sent: number;
  /** How late the publisher sent compared with the schedule (load-side delay), µs. */
  lagP50Us: number;
  lagP99Us: number;
  lagMaxUs: number;
}

export interface PublisherTotals {
  sent: number;
  acked: number;
  errors: number;
  firstError?: string;
}

export interface FloodArgs {
  durationMs: number;
  /** Publish while the socket buffers less than this, then wait for it to drain. */
  maxBufferedBytes: number;
  /** After the flood, how long to wait for the last acks. */
  settleMs: number;
}

export interface FloodResult extends PublisherTotals {
  /** From the first publish to the end of the flood. */
  seconds: number;
}

export type PublisherCommands = {
  connect: { args: { port: number }; result: null };
  /**
   * Keep up to `window` publishes in flight, a publish counting as done once every subscriber
   * has it; publish in bursts of `burst` back to back whenever a whole burst fits.
   */
  closedLoop: { args: { window: number; burst: number }; result: null };
  /** Ends the closed loop, or a `paced` run early (which then resolves with what it sent). */
  stop: { args: null; result: PublisherTotals };
  paced: { args: PacedArgs; result: PacedResult };
  /** Publishes as fast as the socket takes them for `durationMs`, then waits for the acks. */
  flood: { args: FloodArgs; result: FloodResult };
  mark: { args: null; result: LoadMark };
  totals: { args: null; result: PublisherTotals };
};

export interface ProbeConfig {
  name: string;
}

export interface ProbeResult {
  sent: number;
  answered: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export type ProbeCommands = {
  /** Opens one Switchboard connection (hello, welcome) to the server on `port`. */
  connect: { args: { port: number }; result: null };
  /** Pings every `intervalMs` for `durationMs` and reports the round trips of the pongs. */
  probe: { args: { durationMs: number; intervalMs: number }; result: ProbeResult };
};

/** A real `@switchboard/client` WSClient that is cut off and resumes (replay scenario). */
export interface ReplayClientConfig {
  name: string;
  /** The client's `reconnectIntervalMs`; the server's upgrade gate decides when it gets back. */
  reconnectIntervalMs: number;
}

/** What one replay should deliver: a batch published by the server (see PublishedBatch). */
export interface ExpectedReplay {
  count: number;
  firstSequence: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ReplayRound {
  /** From the start (resume: `connected` event; since: the `subscribe` call) to the last event. */
  ms: number;
  /** From the start to the first replayed event. */
  firstMs: number;
  /** From the start to the subscribe ack (which follows the replayed events). */
  ackMs: number;
  /** CPU time of the client process from the start to the last event. */
  clientCpuMs: number;
  events: number;
  /** Events that carried `replay: true`. */
  replayFlagged: number;
  /** The hub's outcome for the pattern: recovered, and how many it replayed. */
  recovered: boolean;
  replayed: number;
  /** Exactly once, in publish order, offsets and sequence numbers as published: empty when ok. */
  errors: string[];
  connectionId: string;
}

export type ReplayClientCommands = {
  /** Connects, subscribes to `bench.#`; the client then reconnects on its own when cut. */
  connect: { args: { port: number }; result: { connectionId: string } };
  /** Waits until the client has handed `count` events to the application in total. */
  waitEvents: { args: { count: number; timeoutMs: number }; result: { events: number } };
  /** Starts a round: the next `connected` starts the clock. Returns the connection to cut. */
  arm: { args: null; result: { connectionId: string } };
  /** Resolves once the client has noticed the cut (`disconnected`). */
  awaitDisconnect: { args: { timeoutMs: number }; result: { willReconnect: boolean } };
  /** Waits for the resumed connection to deliver `expected`, then `settleMs` more for extras. */
  awaitReplay: {
    args: { expected: ExpectedReplay; timeoutMs: number; settleMs: number };
    result: ReplayRound;
  };
  /** A fresh client: connect, `subscribe('bench.#', { since })`, time the replay, disconnect. */
  sinceReplay: {
    args: {
      port: number;
      since: number;
      expected: ExpectedReplay;
      timeoutMs: number;
      settleMs: number;
    };
    result: ReplayRound;
  };
};

/** A load process of the many-publishers scenario: `count` agents from index `first`. */
export interface AgentsConfig {
  name: string;
  mode: AgentMode;
  first: number;
  count: number;
  concurrency: number;
  /** All agents of the run, over every process. */
  publishers: number;
  /**
   * Publishes not yet at the slowest wildcard subscriber, over all agents; this process holds
   * its share (count / publishers) of it, estimated from the relayed `wildcard` minimum.
   */
  budget: number;
}

export interface AgentsMark extends LoadMark {
  /** `total` is publishes sent; these are acks and own-topic echoes received so far. */
  acked: number;
  echoes: number;
}

export interface AgentsTotals {
  sent: number;
  acked: number;
  echoes: number;
  errors: number;
  firstError?: string;
}

export type AgentsCommands = {
  connect: { args: { port: number }; result: { connected: number; ms: number } };
  /**
   * Closed loop per agent: with acks, the next publish leaves when the previous one's ack
   * arrives; without, up to `window` publishes whose echo has not come back are in flight.
   */
  start: { args: { window: number }; result: null };
  stop: { args: null; result: AgentsTotals };
  totals: { args: null; result: AgentsTotals };
  mark: { args: null; result: AgentsMark };
  /** Starts recording ack latency (acks off: publish-to-own-echo latency) afresh. */
  arm: { args: null; result: null };
  /** The recorded latencies, µs. */
  latency: { args: null; result: { samples: Int32Array } };
};
