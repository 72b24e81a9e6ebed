import type { HubPublishResult, HubRouter } from '@switchboard/channels-core';
import { prepare } from './prepare.ts';
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
export class TaskChannelServer {
  readonly #router: HubRouter;

  constructor(router: HubRouter) {
    this.#router = router;
  }

  /** `task.<taskId>.created` */
  async publishCreated(input: TaskCreatedInput): Promise<HubPublishResult> {
    const { topic, payload } = prepare('created', input);
    return this.#router.publish(topic, payload);
  }

  /** `task.<taskId>.assigned` */
  async publishAssigned(input: TaskAssignedInput): Promise<HubPublishResult> {
    const { topic, payload } = prepare('assigned', input);
    return this.#router.publish(topic, payload);
  }

  /** `task.<taskId>.progress`; `percent` is 0 to 100. */
  async publishProgress(input: TaskProgressInput): Promise<HubPublishResult> {
    const { topic, payload } = prepare('progress', input);
    return this.#router.publish(topic, payload);
  }

  /** `task.<taskId>.completed` */
  async publishCompleted(input: TaskCompletedInput): Promise<HubPublishResult> {
    const { topic, payload } = prepare('completed', input);
    return this.#router.publish(topic, payload);
  }

  /** `task.<taskId>.failed` */
  async publishFailed(input: TaskFailedInput): Promise<HubPublishResult> {
    const { topic, payload } = prepare('failed', input);
    return this.#router.publish(topic, payload);
  }
}
