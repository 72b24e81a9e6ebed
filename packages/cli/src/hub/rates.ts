import type { StatsReport } from '@switchboard/server';

/** Counters of `/stats` that only grow; their deltas are the rates `monitor` shows. */
export const COUNTERS = [
  'published',
  'delivered',
  'dropped',
  'messagesIn',
  'messagesOut',
  'readPauses',
] as const satisfies readonly (keyof StatsReport)[];

export type Counter = (typeof COUNTERS)[number];
export type Rates = Record<Counter, number>;

/**
 * Per-second rates between two readings of `/stats`. A counter that went down means the hub
 * restarted between them: that rate is counted from zero rather than shown negative.
 */
export function ratesBetween(
  previous: { stats: StatsReport; at: number },
  current: { stats: StatsReport; at: number },
): Rates {
  const seconds = Math.max((current.at - previous.at) / 1000, 1e-3);
  const rates = {} as Rates;
  for (const counter of COUNTERS) {
    const before = previous.stats[counter];
    const now = current.stats[counter];
    rates[counter] = (now >= before ? now - before : now) / seconds;
  }
  return rates;
}
