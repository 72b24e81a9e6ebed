import { defineChannel, type SpecOf } from '@switchboard/channels-core';
import {
  TaskAssignedEvent,
  TaskCompletedEvent,
  TaskCreatedEvent,
  TaskFailedEvent,
  TaskProgressEvent,
} from './schemas.ts';

/**
 * The task channel: `task.<taskId>.<kind>`, one schema per kind, emitted under the kind's
 * own name. The payload shapes live in `schemas.ts`; this is the one place that ties each
 * kind to its schema.
 */
export const TASK_CHANNEL = defineChannel({
  prefix: 'task',
  id: 'taskId',
  kinds: ['created', 'assigned', 'progress', 'completed', 'failed'],
  schemas: {
    created: TaskCreatedEvent,
    assigned: TaskAssignedEvent,
    progress: TaskProgressEvent,
    completed: TaskCompletedEvent,
    failed: TaskFailedEvent,
  },
});

export type TaskChannelSpec = SpecOf<typeof TASK_CHANNEL>;
