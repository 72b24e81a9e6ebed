import { eventSchema, type Input, SegmentId, Timestamp } from '@switchboard/channels-core';
import { z } from 'zod';

/**
 * Payloads of the task topics. Every payload carries `at`, when the sender made it (ms),
 * also as `timestamp`; fields the seed API (`@claude-flow/realtime`) named differently go
 * by both names (`percent`/`progress`, `title`/`type`): either is accepted, both are sent.
 * Unknown fields travel to subscribers (passthrough): nothing a sender adds is lost.
 */

export const TaskId = SegmentId.meta({ description: 'One topic segment, e.g. "t-42".' });
const AgentId = SegmentId;

const AT = { at: 'timestamp' } as const;

/** Where a task stands, as the seed API reported it with its progress. */
export const TaskStatus = z.enum(['pending', 'in-progress', 'completed', 'failed', 'cancelled']);

/** `task.<taskId>.created` */
export const TaskCreatedEvent = eventSchema(
  z.object({
    taskId: TaskId,
    /** What the task is; the seed API's `type`. */
    title: z.string().min(1),
    createdBy: z.string().optional(),
    agentId: AgentId.optional(),
    priority: z.number().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    at: Timestamp,
  }),
  { aliases: { ...AT, title: 'type' } },
);

/** `task.<taskId>.assigned` */
export const TaskAssignedEvent = eventSchema(
  z.object({
    taskId: TaskId,
    agentId: AgentId,
    at: Timestamp,
  }),
  { aliases: AT },
);

/** `task.<taskId>.progress` */
export const TaskProgressEvent = eventSchema(
  z.object({
    taskId: TaskId,
    agentId: AgentId.optional(),
    /** 0 to 100; the seed API's `progress`. */
    percent: z.number().min(0).max(100),
    status: TaskStatus.optional(),
    message: z.string().optional(),
    at: Timestamp,
  }),
  { aliases: { ...AT, percent: 'progress' } },
);

/** The seed API's error object on a completion (`status: 'failed'`). */
export const TaskErrorInfo = z.looseObject({
  message: z.string(),
  code: z.string().optional(),
  stack: z.string().optional(),
});

/** `task.<taskId>.completed` */
export const TaskCompletedEvent = eventSchema(
  z.object({
    taskId: TaskId,
    agentId: AgentId.optional(),
    /** The seed API's outcome field; `'completed'` unless the sender said otherwise. */
    status: z.enum(['completed', 'failed', 'cancelled']).default('completed'),
    /** Any JSON value. */
    result: z.unknown().optional(),
    error: TaskErrorInfo.optional(),
    at: Timestamp,
  }),
  { aliases: AT },
);

/** `task.<taskId>.failed` */
export const TaskFailedEvent = eventSchema(
  z.object({
    taskId: TaskId,
    agentId: AgentId.optional(),
    error: z.string(),
    /** The task may be tried again (it may then still complete). */
    retryable: z.boolean().optional(),
    at: Timestamp,
  }),
  { aliases: AT },
);

export type TaskStatus = z.infer<typeof TaskStatus>;
export type TaskErrorInfo = z.infer<typeof TaskErrorInfo>;
export type TaskCreatedEvent = z.infer<typeof TaskCreatedEvent>;
export type TaskAssignedEvent = z.infer<typeof TaskAssignedEvent>;
export type TaskProgressEvent = z.infer<typeof TaskProgressEvent>;
export type TaskCompletedEvent = z.infer<typeof TaskCompletedEvent>;
export type TaskFailedEvent = z.infer<typeof TaskFailedEvent>;

/**
 * What the publish methods take: the payload, each field under either of its names, `at`
 * (or `timestamp`) filled in when left out, defaults (`status`) optional.
 */
export type TaskCreatedInput = Input<z.input<typeof TaskCreatedEvent>>;
export type TaskAssignedInput = Input<z.input<typeof TaskAssignedEvent>>;
export type TaskProgressInput = Input<z.input<typeof TaskProgressEvent>>;
export type TaskCompletedInput = Input<z.input<typeof TaskCompletedEvent>>;
export type TaskFailedInput = Input<z.input<typeof TaskFailedEvent>>;
