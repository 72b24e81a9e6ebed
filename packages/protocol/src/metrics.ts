import { z } from 'zod';

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

const Count = z.int().min(0);
const Rate = z.number().min(0).meta({ description: 'Per second, over the last interval.' });

export const BusyPrefix = z.object({
  prefix: z.string().meta({ description: 'The first two segments of the topics (`agent.ada`).' }),
  perSecond: Rate,
});

export const KpiSnapshot = z
  .object({
    node: z.string().meta({ description: 'The hub node (WSServer `name`); KPIs are node-local.' }),
    at: z.int().meta({ description: 'When the snapshot was taken, ms since 1970.' }),
    intervalMs: z.int().min(1).meta({ description: 'Time covered by the rates.' }),
    uptimeSeconds: Count,
    connections: Count.meta({ description: 'Connections, handshaking ones included.' }),
    principals: Count.meta({ description: 'Distinct principals with an open connection.' }),
    subscriptions: Count,
    topics: Count,
    published: Count.meta({ description: 'Events fanned out since the start (a counter).' }),
    delivered: Count,
    dropped: Count,
    publishesPerSecond: Rate,
    deliveriesPerSecond: Rate,
    dropsPerSecond: Rate,
    busiestPrefixes: z.array(BusyPrefix).meta({
      description: 'Up to five prefixes with the most publishes in the interval, busiest first.',
    }),
    active_sessions: Count.meta({ description: 'Seed name of `connections`.' }),
    active_agents: Count.meta({ description: 'Seed name of `principals`.' }),
    actions_per_minute: z
      .number()
      .min(0)
      .meta({ description: 'Seed name: publishes per minute (publishesPerSecond × 60).' }),
  })
  .meta({ description: `Data of an event on "${METRICS_TOPIC}": one hub node's KPIs.` });

export type BusyPrefix = z.infer<typeof BusyPrefix>;
export type KpiSnapshot = z.infer<typeof KpiSnapshot>;
