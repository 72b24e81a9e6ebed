import { type Input, SegmentId, Timestamp } from '@switchboard/channels-core';
import { z } from 'zod';

/**
 * Payloads of the task topics. Every payload carries `at`, when the sender made it (ms).
 * Unknown fields are stripped, not refused, so older and newer senders interoperate.
 */

export const TaskId = SegmentId.meta({ description: 'One topic segment, e.g. "t-42".' });
const AgentId = SegmentId;

/** `task.<taskId>.created` */
export const TaskCreatedEvent = z.object({
  taskId: TaskId,
  title: z.string().min(1),
  createdBy: z.string().optional(),
  at: Timestamp,
});

/** `task.<taskId>.assigned` */
export const TaskAssignedEvent = z.object({
  taskId: TaskId,
  agentId: AgentId,
  at: Timestamp,
});

/** `task.<taskId>.progress` */
export const TaskProgressEvent = z.object({
  taskId: TaskId,
  agentId: AgentId.optional(),
  percent: z.number().min(0).max(100),
  message: z.string().optional(),
  at: Timestamp,
});

/** `task.<taskId>.completed` */
export const TaskCompletedEvent = z.object({
  taskId: TaskId,
  agentId: AgentId.optional(),
  /** Any JSON value. */
  result: z.unknown().optional(),
  at: Timestamp,
});

/** `task.<taskId>.failed` */
export const TaskFailedEvent = z.object({
  taskId: TaskId,
  agentId: AgentId.optional(),
  error: z.string(),
  /** The task may be tried again (it may then still complete). */
  retryable: z.boolean().optional(),
  at: Timestamp,
});

export type TaskCreatedEvent = z.infer<typeof TaskCreatedEvent>;
export type TaskAssignedEvent = z.infer<typeof TaskAssignedEvent>;
export type TaskProgressEvent = z.infer<typeof TaskProgressEvent>;
export type TaskCompletedEvent = z.infer<typeof TaskCompletedEvent>;
export type TaskFailedEvent = z.infer<typeof TaskFailedEvent>;

/** What the publish methods take: the payload, with `at` filled in when left out. */
export type TaskCreatedInput = Input<TaskCreatedEvent>;
export type TaskAssignedInput = Input<TaskAssignedEvent>;
export type TaskProgressInput = Input<TaskProgressEvent>;
export type TaskCompletedInput = Input<TaskCompletedEvent>;
export type TaskFailedInput = Input<TaskFailedEvent>;
