import {
  ChannelClient,
  type ChannelClientOptions,
  type ChannelEvents,
  type HubClient,
  type Settlement,
  type SubscribeOptions,
} from '@switchboard/channels-core';
import { TASK_CHANNEL, type TaskChannelSpec } from './channel.ts';
import { TaskFailedError } from './errors.ts';
import type {
  TaskCompletedEvent,
  TaskCompletedInput,
  TaskFailedInput,
  TaskProgressInput,
} from './schemas.ts';
import type { TaskEventKind } from './topics.ts';

/**
 * Events of TaskChannelClient: `created`, `assigned`, `progress`, `completed` and `failed`,
 * each also as `<name>:<taskId>` for one task, and `error` for an event on a subscribed topic
 * that failed validation (dropped).
 */
export type TaskChannelEvents = ChannelEvents<TaskChannelSpec>;

/** `kinds` defaults to all five: created, assigned, progress, completed, failed. */
export type TaskSubscribeOptions = SubscribeOptions<TaskEventKind>;

export type TaskChannelClientOptions = ChannelClientOptions;

/**
 * The task channel over a hub client: dashboards follow tasks, agents report progress and
 * results, and anyone can wait for a task's outcome. Works with any object shaped like
 * `WSClient`.
 */
export class TaskChannelClient extends ChannelClient<TaskChannelSpec> {
  constructor(client: HubClient, options: TaskChannelClientOptions = {}) {
    super(TASK_CHANNEL, client, options);
  }

  /** Subscribes to one task's topics, `task.<taskId>.<kind>`. */
  subscribeToTask(taskId: string, options: TaskSubscribeOptions = {}): Promise<void> {
    return this.subscribeTo(taskId, options);
  }

  unsubscribeFromTask(taskId: string): Promise<void> {
    return this.unsubscribeFrom(taskId);
  }

  /** Tasks this client subscribed to one by one. */
  getSubscribedTasks(): string[] {
    return this.subscribedIds();
  }

  /** Publishes to `task.<taskId>.progress`; `agentId` defaults to the client's principal. */
  async reportProgress(input: TaskProgressInput): Promise<void> {
    return this.publishEvent('progress', this.#withAgent(input));
  }

  /** Publishes to `task.<taskId>.completed`; `agentId` defaults to the client's principal. */
  async reportCompleted(input: TaskCompletedInput): Promise<void> {
    return this.publishEvent('completed', this.#withAgent(input));
  }

  /** Publishes to `task.<taskId>.failed`; `agentId` defaults to the client's principal. */
  async reportFailed(input: TaskFailedInput): Promise<void> {
    return this.publishEvent('failed', this.#withAgent(input));
  }

  /**
   * Resolves with the task's `completed` event, or rejects with a TaskFailedError carrying its
   * `failed` event, whichever is newest, even when it was published before this call (the
   * hub's retained last value). With `timeoutMs`, rejects with a TIMEOUT SwitchboardError.
   * Its listener and subscriptions are removed either way.
   */
  waitForCompletion(taskId: string, timeoutMs?: number): Promise<TaskCompletedEvent> {
    return this.waitForEvent(
      { id: taskId, kinds: ['completed', 'failed'] },
      { timeoutMs, what: `task "${taskId}" to complete`, owner: 'waitForCompletion' },
      (event): Settlement<TaskCompletedEvent> =>
        event.kind === 'completed'
          ? { value: event.payload }
          : { error: new TaskFailedError(event.payload) },
    );
  }

  #withAgent<T extends { agentId?: string | undefined }>(input: T): T {
    const agentId = input.agentId ?? this.hub.principal?.id;
    return agentId === undefined ? input : { ...input, agentId };
  }
}
