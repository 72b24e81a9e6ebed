import { eventSchema, type Input, SegmentId, Timestamp } from '@switchboard/channels-core';
import { z } from 'zod';

/**
 * Payloads of the agent topics. Every payload carries `at`, when the sender made it (ms),
 * also as `timestamp` (the seed API's name; either is accepted); the hub's own time is in
 * the listener's `EventMeta`. Unknown fields travel to subscribers (passthrough), so
 * whatever a sender adds (the seed's `metadata`, its own fields) is never lost.
 */

/** The second names of fields, as `@claude-flow/realtime` spelled them. */
const SEED_NAMES = { aliases: { at: 'timestamp' } } as const;

export const AgentId = SegmentId.meta({ description: 'One topic segment, e.g. "agent-1".' });

export const AgentStatus = z.enum(['starting', 'idle', 'busy', 'error', 'offline']);

/** `agent.<agentId>.status` */
export const AgentStatusEvent = eventSchema(
  z.object({
    agentId: AgentId,
    status: AgentStatus,
    /** The status before this change, when the sender knows it. */
    previous: AgentStatus.optional(),
    reason: z.string().optional(),
    /** Anything else about the change (the seed API's field). */
    metadata: z.record(z.string(), z.unknown()).optional(),
    at: Timestamp,
  }),
  SEED_NAMES,
);

/**
 * The seed API's health numbers: `cpu` (percent, the same as the event's `cpu`), `memory`,
 * `uptime`, `tasksCompleted`, `errorCount`, or any other named number.
 */
export const HealthMetrics = z
  .object({ cpu: z.number().nonnegative().optional() })
  .catchall(z.number());

/** `agent.<agentId>.health` */
export const AgentHealthEvent = eventSchema(
  z.object({
    agentId: AgentId,
    healthy: z.boolean(),
    /** Percent of one core; above 100 on several cores. Also sent as `metrics.cpu`. */
    cpu: z.number().nonnegative().optional(),
    memoryMb: z.number().nonnegative().optional(),
    uptimeMs: z.number().nonnegative().optional(),
    /** Named numbers, as the seed API sent them; `{}` when none were given. */
    metrics: HealthMetrics.default({}),
    at: Timestamp,
  }),
  {
    ...SEED_NAMES,
    // `cpu` is the one number both APIs measure alike (percent): sent in both places.
    derive: (health) => {
      // Only a missing one is filled in: two different values both travel as given.
      if (health.cpu === undefined) {
        if (health.metrics.cpu !== undefined) health.cpu = health.metrics.cpu;
      } else if (health.metrics.cpu === undefined) {
        health.metrics = { ...health.metrics, cpu: health.cpu };
      }
    },
  },
);

/** `agent.<agentId>.metrics`: free-form named numbers (finite). */
export const AgentMetricsEvent = eventSchema(
  z.object({
    agentId: AgentId,
    metrics: z.record(z.string(), z.number()),
    at: Timestamp,
  }),
  SEED_NAMES,
);

export const LogStreamName = z.enum(['stdout', 'stderr']);

export const AgentLogLine = z.looseObject({
  /** Position of the line in its stream, from 1; a gap means lines were dropped. */
  seq: z.int().min(1),
  stream: LogStreamName,
  text: z.string(),
  at: Timestamp,
});

/** `agent.<agentId>.logs`: one batch of lines. */
export const AgentLogsEvent = eventSchema(
  z.object({
    agentId: AgentId,
    lines: z.array(AgentLogLine),
    /** Lines dropped (buffer full, or a batch the hub did not take) since the previous batch. */
    dropped: z.int().min(0),
    at: Timestamp,
  }),
  SEED_NAMES,
);

export type AgentStatus = z.infer<typeof AgentStatus>;
export type AgentStatusEvent = z.infer<typeof AgentStatusEvent>;
export type AgentHealthEvent = z.infer<typeof AgentHealthEvent>;
export type AgentMetricsEvent = z.infer<typeof AgentMetricsEvent>;
export type LogStreamName = z.infer<typeof LogStreamName>;
export type AgentLogLine = z.infer<typeof AgentLogLine>;
export type AgentLogsEvent = z.infer<typeof AgentLogsEvent>;

export type HealthMetrics = z.infer<typeof HealthMetrics>;

/**
 * What the publish methods take: the payload, with `at` (or `timestamp`) filled in when left
 * out, and defaults (`metrics`) optional.
 */
export type AgentStatusInput = Input<z.input<typeof AgentStatusEvent>>;
export type AgentHealthInput = Input<z.input<typeof AgentHealthEvent>>;
export type AgentMetricsInput = Input<z.input<typeof AgentMetricsEvent>>;
export type AgentLogsInput = Input<z.input<typeof AgentLogsEvent>>;
