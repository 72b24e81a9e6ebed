import type { TaskFailedEvent } from './schemas.ts';

/**
 * What `waitForCompletion` rejects with when the task failed. Not a SwitchboardError: the
 * hub and the connection did their job; the task itself failed, and the failure event is
 * here in full.
 */
export class TaskFailedError extends Error {
  override readonly name = 'TaskFailedError';
  readonly taskId: string;
  readonly retryable: boolean;
  readonly event: TaskFailedEvent;

  constructor(event: TaskFailedEvent) {
    super(`Task "${event.taskId}" failed: ${event.error}`);
    this.taskId = event.taskId;
    this.retryable = event.retryable === true;
    this.event = event;
  }
}
