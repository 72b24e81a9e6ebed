import { topicBuilders } from '@switchboard/channels-core';
import { TASK_CHANNEL } from './channel.ts';

export const TASK_EVENT_KINDS = TASK_CHANNEL.kinds;
export type TaskEventKind = (typeof TASK_EVENT_KINDS)[number];

/** `task.<taskId>.<kind>`; throws INVALID_TOPIC (`details.field: 'taskId'`) for a bad id. */
export function taskTopic(taskId: string, kind: TaskEventKind): string {
  return TASK_CHANNEL.topic(taskId, kind);
}

/** Topic builders; `all*` are the wildcard patterns over every task. */
export const taskTopics = topicBuilders(TASK_CHANNEL);

/** The task id and kind of a task topic, or undefined for any other topic. */
export function parseTaskTopic(topic: string): { taskId: string; kind: TaskEventKind } | undefined {
  return TASK_CHANNEL.parseTopic(topic);
}
