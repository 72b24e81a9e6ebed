import { parsePayload } from '@switchboard/channels-core';
import {
  TaskAssignedEvent,
  TaskCompletedEvent,
  TaskCreatedEvent,
  TaskFailedEvent,
  TaskProgressEvent,
} from './schemas.ts';
import { type TaskEventKind, taskTopic } from './topics.ts';

export const TASK_SCHEMAS = {
  created: TaskCreatedEvent,
  assigned: TaskAssignedEvent,
  progress: TaskProgressEvent,
  completed: TaskCompletedEvent,
  failed: TaskFailedEvent,
} as const;

export type TaskPayload<K extends TaskEventKind> = ReturnType<(typeof TASK_SCHEMAS)[K]['parse']>;

/**
 * Checks the id (INVALID_TOPIC naming `taskId`) and the payload (INVALID_MESSAGE naming the
 * field), and fills in `at`. Shared by the server and the client side.
 */
export function prepare<K extends TaskEventKind>(
  kind: K,
  input: { taskId: string; at?: number | undefined; [field: string]: unknown },
): { topic: string; payload: TaskPayload<K> } {
  const topic = taskTopic(input.taskId, kind);
  const payload = parsePayload(
    TASK_SCHEMAS[kind],
    { ...input, at: input.at ?? Date.now() },
    `task ${kind} event`,
  );
  return { topic, payload: payload as TaskPayload<K> };
}
