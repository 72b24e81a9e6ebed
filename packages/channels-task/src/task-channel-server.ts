import { ChannelServer, type HubPublishResult, type HubRouter } from '@switchboard/channels-core';
import { TASK_CHANNEL, type TaskChannelSpec } from './channel.ts';
import type {
  TaskAssignedInput,
  TaskCompletedInput,
  TaskCreatedInput,
  TaskFailedInput,
  TaskProgressInput,
} from './schemas.ts';

/**
 * Publishes task events from the hub's side (the coordinator). Each event goes to exactly one
 * topic, `task.<taskId>.<kind>`; dashboards see all tasks through wildcards (`task.*.progress`).
 */
export class TaskChannelServer extends ChannelServer<TaskChannelSpec> {
  constructor(router: HubRouter) {
    super(TASK_CHANNEL, router);
  }

  /** `task.<taskId>.created` */
  publishCreated(input: TaskCreatedInput): Promise<HubPublishResult> {
    return this.publishEvent('created', input);
  }

  /** `task.<taskId>.assigned` */
  publishAssigned(input: TaskAssignedInput): Promise<HubPublishResult> {
    return this.publishEvent('assigned', input);
  }

  /** `task.<taskId>.progress`; `percent` is 0 to 100. */
  publishProgress(input: TaskProgressInput): Promise<HubPublishResult> {
    return this.publishEvent('progress', input);
  }

  /** `task.<taskId>.completed` */
  publishCompleted(input: TaskCompletedInput): Promise<HubPublishResult> {
    return this.publishEvent('completed', input);
  }

  /** `task.<taskId>.failed` */
  publishFailed(input: TaskFailedInput): Promise<HubPublishResult> {
    return this.publishEvent('failed', input);
  }
}
