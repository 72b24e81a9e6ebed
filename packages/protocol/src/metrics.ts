import * as z from 'zod/mini';
import { described } from './zod.ts';

/**
 * Topics starting with `$` belong to the hub: clients may subscribe to them (their subscribe
 * ACL applies as to any topic) but never publish there (FORBIDDEN, `details.reserved: true`).
 */
export const RESERVED_TOPIC_PREFIX = '$';

export function isReservedTopic(topic: string): boolean {
  return topic.startsWith(RESERVED_TOPIC_PREFIX);
}

/** Where each hub node publishes its KPI snapshot (WSServer `metricsIntervalMs`, default 5 s). */
export const METRICS_TOPIC = '$metrics';

const Count = z.int().check(z.minimum(0));
const Rate = described(z.number().check(z.minimum(0)), 'Per second, over the last interval.');

export const BusyPrefix = z.object({
  prefix: described(z.string(), 'The first two segments of the topics (`agent.ada`).'),
  perSecond: Rate,
});

export const KpiSnapshot = described(
  z.object({
    node: described(z.string(), 'The hub node (WSServer `name`); KPIs are node-local.'),
    at: described(z.int(), 'When the snapshot was taken, ms since 1970.'),
    intervalMs: described(z.int().check(z.minimum(1)), 'Time covered by the rates.'),
    uptimeSeconds: Count,
    connections: described(Count, 'Connections, handshaking ones included.'),
    principals: described(Count, 'Distinct principals with an open connection.'),
    subscriptions: Count,
    topics: Count,
    published: described(Count, 'Events fanned out since the start (a counter).'),
    delivered: Count,
    dropped: Count,
    publishesPerSecond: Rate,
    deliveriesPerSecond: Rate,
    dropsPerSecond: Rate,
    busiestPrefixes: described(
      z.array(BusyPrefix),
      'Up to five prefixes with the most publishes in the interval, busiest first.',
    ),
    active_sessions: described(Count, 'Seed name of `connections`.'),
    active_agents: described(Count, 'Seed name of `principals`.'),
    actions_per_minute: described(
      z.number().check(z.minimum(0)),
      'Seed name: publishes per minute (publishesPerSecond × 60).',
    ),
  }),
  `Data of an event on "${METRICS_TOPIC}": one hub node's KPIs.`,
);

export type BusyPrefix = z.infer<typeof BusyPrefix>;
export type KpiSnapshot = z.infer<typeof KpiSnapshot>;
