import { type Input, SegmentId, Timestamp } from '@switchboard/channels-core';
import { z } from 'zod';

/**
 * Payloads of the agent topics. Every payload carries `at`, when the sender made it (ms);
 * the hub's own `timestamp` is in the event. Unknown fields are stripped, not refused, so
 * older and newer senders can talk to each other.
 */

export const AgentId = SegmentId.meta({ description: 'One topic segment, e.g. "agent-1".' });

export const AgentStatus = z.enum(['starting', 'idle', 'busy', 'error', 'offline']);

/** `agent.<agentId>.status` */
export const AgentStatusEvent = z.object({
  agentId: AgentId,
  status: AgentStatus,
  /** The status before this change, when the sender knows it. */
  previous: AgentStatus.optional(),
  reason: z.string().optional(),
  at: Timestamp,
});

/** `agent.<agentId>.health` */
export const AgentHealthEvent = z.object({
  agentId: AgentId,
  healthy: z.boolean(),
  /** Percent of one core; above 100 on several cores. */
  cpu: z.number().nonnegative().optional(),
  memoryMb: z.number().nonnegative().optional(),
  uptimeMs: z.number().nonnegative().optional(),
  at: Timestamp,
});

/** `agent.<agentId>.metrics`: free-form named numbers (finite). */
export const AgentMetricsEvent = z.object({
  agentId: AgentId,
  metrics: z.record(z.string(), z.number()),
  at: Timestamp,
});

export const LogStreamName = z.enum(['stdout', 'stderr']);

export const AgentLogLine = z.object({
  /** Position of the line in its stream, from 1; a gap means lines were dropped. */
  seq: z.int().min(1),
  stream: LogStreamName,
  text: z.string(),
  at: Timestamp,
});

/** `agent.<agentId>.logs`: one batch of lines. */
export const AgentLogsEvent = z.object({
  agentId: AgentId,
  lines: z.array(AgentLogLine),
  /** Lines dropped (buffer full, or a batch the hub did not take) since the previous batch. */
  dropped: z.int().min(0),
  at: Timestamp,
});

export type AgentStatus = z.infer<typeof AgentStatus>;
export type AgentStatusEvent = z.infer<typeof AgentStatusEvent>;
export type AgentHealthEvent = z.infer<typeof AgentHealthEvent>;
export type AgentMetricsEvent = z.infer<typeof AgentMetricsEvent>;
export type LogStreamName = z.infer<typeof LogStreamName>;
export type AgentLogLine = z.infer<typeof AgentLogLine>;
export type AgentLogsEvent = z.infer<typeof AgentLogsEvent>;

/** What the publish methods take: the payload, with `at` filled in when left out. */
export type AgentStatusInput = Input<AgentStatusEvent>;
export type AgentHealthInput = Input<AgentHealthEvent>;
export type AgentMetricsInput = Input<AgentMetricsEvent>;
export type AgentLogsInput = Input<AgentLogsEvent>;
