import type { TargetId } from './targets.ts';

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
}

const FULL: BenchConfig = {
  fanOut: {
    subscribers: [1_000, 10_000],
    targets: ['b0', 'b1', 'b2', 'socketio', 'switchboard'],
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
    targets: ['b0', 'socketio', 'switchboard'],
  },
  router: { sizes: [1_000, 1_000_000], lookups: 500_000 },
};

const QUICK: BenchConfig = {
  ...FULL,
  fanOut: { ...FULL.fanOut, subscribers: [1_000], warmupMs: 1_000, windowMs: 2_500 },
  latency: { ...FULL.latency, warmupMs: 1_000, windowMs: 2_500, graceMs: 1_500 },
  memory: { ...FULL.memory, connections: 2_000 },
  router: { sizes: [1_000, 100_000], lookups: 200_000 },
};

export function configFor(quick: boolean): BenchConfig {
  return quick ? QUICK : FULL;
}
