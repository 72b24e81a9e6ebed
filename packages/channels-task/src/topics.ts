import { assertSegment, joinTopic } from '@switchboard/channels-core';

export const TASK_EVENT_KINDS = ['created', 'assigned', 'progress', 'completed', 'failed'] as const;
export type TaskEventKind = (typeof TASK_EVENT_KINDS)[number];

/** `task.<taskId>.<kind>`; throws INVALID_TOPIC (`details.field: 'taskId'`) for a bad id. */
export function taskTopic(taskId: string, kind: TaskEventKind): string {
  assertSegment(taskId, 'taskId');
  return joinTopic(['task', taskId, kind], 'taskId');
}

/** Topic builders; `all*` are the wildcard patterns over every task. */
export const taskTopics = {
  created: (taskId: string) => taskTopic(taskId, 'created'),
  assigned: (taskId: string) => taskTopic(taskId, 'assigned'),
  progress: (taskId: string) => taskTopic(taskId, 'progress'),
  completed: (taskId: string) => taskTopic(taskId, 'completed'),
  failed: (taskId: string) => taskTopic(taskId, 'failed'),
  allCreated: 'task.*.created',
  allAssigned: 'task.*.assigned',
  allProgress: 'task.*.progress',
  allCompleted: 'task.*.completed',
  allFailed: 'task.*.failed',
} as const;

/** The task id and kind of a task topic, or undefined for any other topic. */
export function parseTaskTopic(topic: string): { taskId: string; kind: TaskEventKind } | undefined {
  const parts = topic.split('.');
  if (parts.length !== 3 || parts[0] !== 'task') return undefined;
  const kind = parts[2] as TaskEventKind;
  if (!TASK_EVENT_KINDS.includes(kind)) return undefined;
  return { taskId: parts[1]!, kind };
}
