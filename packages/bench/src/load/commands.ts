import type { TargetId } from '../targets.ts';

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
}

export type SubscriberCommands = {
  /** Opens the subscribers against the server on `port` (known only once it listens). */
  connect: { args: { port: number }; result: { connected: number; ms: number } };
  mark: { args: null; result: LoadMark };
  /** Start recording latency for messages scheduled at or after `measureFromUs`. */
  arm: { args: { measureFromUs: number }; result: null };
  finish: { args: FinishArgs; result: LatencySamples };
  verify: { args: null; result: Verification };
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

export type PublisherCommands = {
  connect: { args: { port: number }; result: null };
  /**
   * Keep up to `window` publishes in flight, a publish counting as done once every subscriber
   * has it; publish in bursts of `burst` back to back whenever a whole burst fits.
   */
  closedLoop: { args: { window: number; burst: number }; result: null };
  stop: { args: null; result: PublisherTotals };
  paced: { args: PacedArgs; result: PacedResult };
  mark: { args: null; result: LoadMark };
  totals: { args: null; result: PublisherTotals };
};
