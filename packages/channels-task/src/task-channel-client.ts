import type { ChannelClientOptions } from '@switchboard/channels-core';
import {
  ChannelSubscriptions,
  type EventMeta,
  type HubClient,
  type HubEvent,
  metaOf,
  mismatch,
  parsePayload,
  type Since,
  selectKinds,
  waitForLast,
} from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol';
import { TaskFailedError } from './errors.ts';
import { prepare, TASK_SCHEMAS } from './prepare.ts';
import type {
  TaskAssignedEvent,
  TaskCompletedEvent,
  TaskCompletedInput,
  TaskCreatedEvent,
  TaskFailedEvent,
  TaskFailedInput,
  TaskProgressEvent,
  TaskProgressInput,
} from './schemas.ts';
import { parseTaskTopic, TASK_EVENT_KINDS, type TaskEventKind, taskTopic } from './topics.ts';

type Listener<T> = (event: T, meta: EventMeta) => void;

/** Events of TaskChannelClient. `<name>:<taskId>` carries the events of one task. */
export interface TaskChannelEvents {
  created: Listener<TaskCreatedEvent>;
  assigned: Listener<TaskAssignedEvent>;
  progress: Listener<TaskProgressEvent>;
  completed: Listener<TaskCompletedEvent>;
  failed: Listener<TaskFailedEvent>;
  /** An event on a subscribed topic failed validation and was dropped. */
  error: (error: SwitchboardError) => void;
  [perTask: `created:${string}`]: Listener<TaskCreatedEvent>;
  [perTask: `assigned:${string}`]: Listener<TaskAssignedEvent>;
  [perTask: `progress:${string}`]: Listener<TaskProgressEvent>;
  [perTask: `completed:${string}`]: Listener<TaskCompletedEvent>;
  [perTask: `failed:${string}`]: Listener<TaskFailedEvent>;
}

export interface TaskSubscribeOptions {
  /** Which event kinds. @default all five: created, assigned, progress, completed, failed */
  kinds?: readonly TaskEventKind[];
  /** Start from history: `'last'` replays each topic's retained last value. */
  since?: Since;
}

export type TaskChannelClientOptions = ChannelClientOptions;

/**
 * The task channel over a hub client: dashboards follow tasks, agents report progress and
 * results, and anyone can wait for a task's outcome. Works with any object shaped like
 * `WSClient`.
 */
export class TaskChannelClient extends TypedEmitter<TaskChannelEvents> {
  readonly #client: HubClient;
  readonly #subscriptions: ChannelSubscriptions;

  constructor(client: HubClient, options: TaskChannelClientOptions = {}) {
    super();
    this.#client = client;
    this.#subscriptions = new ChannelSubscriptions(
      client,
      (event) => this.#onEvent(event),
      options.maxTrackedTopics,
    );
  }

  /** Subscribes to one task's topics, `task.<taskId>.<kind>`. */
  async subscribeToTask(taskId: string, options: TaskSubscribeOptions = {}): Promise<void> {
    const topics = kindsOf(options).map((kind) => taskTopic(taskId, kind));
    await this.#subscriptions.add(topics, options.since);
  }

  async unsubscribeFromTask(taskId: string): Promise<void> {
    await this.#subscriptions.remove(TASK_EVENT_KINDS.map((kind) => taskTopic(taskId, kind)));
  }

  /** Subscribes to every task: `task.*.created`, `task.*.progress`, ... */
  async subscribeAll(options: TaskSubscribeOptions = {}): Promise<void> {
    await this.#subscriptions.add(
      kindsOf(options).map((kind) => `task.*.${kind}`),
      options.since,
    );
  }

  async unsubscribeAll(): Promise<void> {
    await this.#subscriptions.remove(TASK_EVENT_KINDS.map((kind) => `task.*.${kind}`));
  }

  /** Publishes to `task.<taskId>.progress`; `agentId` defaults to the client's principal. */
  async reportProgress(input: TaskProgressInput): Promise<void> {
    const { topic, payload } = prepare('progress', this.#withAgent(input));
    await this.#client.publish(topic, payload);
  }

  /** Publishes to `task.<taskId>.completed`; `agentId` defaults to the client's principal. */
  async reportCompleted(input: TaskCompletedInput): Promise<void> {
    const { topic, payload } = prepare('completed', this.#withAgent(input));
    await this.#client.publish(topic, payload);
  }

  /** Publishes to `task.<taskId>.failed`; `agentId` defaults to the client's principal. */
  async reportFailed(input: TaskFailedInput): Promise<void> {
    const { topic, payload } = prepare('failed', this.#withAgent(input));
    await this.#client.publish(topic, payload);
  }

  /**
   * Resolves with the task's `completed` event, or rejects with a TaskFailedError carrying its
   * `failed` event, whichever is newest, even when it was published before this call (the
   * hub's retained last value). With `timeoutMs`, rejects with a TIMEOUT SwitchboardError.
   * Its listener and subscriptions are removed either way.
   */
  waitForCompletion(taskId: string, timeoutMs?: number): Promise<TaskCompletedEvent> {
    let topics: string[];
    try {
      topics = [taskTopic(taskId, 'completed'), taskTopic(taskId, 'failed')];
    } catch (error) {
      return Promise.reject(error);
    }
    return waitForLast<TaskCompletedEvent>(this.#client, {
      topics,
      timeoutMs,
      what: `task "${taskId}" to complete`,
      decide: (event) => {
        // Only the two task topics reach `decide`, so there is always a payload.
        const payload = this.#parse(event)!;
        return event.topic === topics[0]
          ? { value: payload as TaskCompletedEvent }
          : { error: new TaskFailedError(payload as TaskFailedEvent) };
      },
      onInvalid: (error) => this.emit('error', error),
    });
  }

  /** Unsubscribes everything this channel subscribed and removes its listener from the client. */
  async close(): Promise<void> {
    await this.#subscriptions.removeAll();
  }

  #withAgent<T extends { agentId?: string | undefined }>(input: T): T {
    const agentId = input.agentId ?? this.#client.principal?.id;
    return agentId === undefined ? input : { ...input, agentId };
  }

  /** Validates an event of a task topic; throws INVALID_MESSAGE naming the field. */
  #parse(event: HubEvent): { taskId: string } | undefined {
    const parsed = parseTaskTopic(event.topic);
    if (parsed === undefined) return undefined;
    const payload = parsePayload(
      TASK_SCHEMAS[parsed.kind],
      event.data,
      `task ${parsed.kind} event`,
      event.topic,
    );
    if (payload.taskId !== parsed.taskId) throw mismatch('taskId', payload.taskId, event.topic);
    return payload;
  }

  #onEvent(event: HubEvent): void {
    let payload: { taskId: string } | undefined;
    try {
      payload = this.#parse(event);
    } catch (error) {
      this.emit('error', SwitchboardError.from(error, ErrorCode.INVALID_MESSAGE));
      return;
    }
    if (payload === undefined) return;
    const kind = parseTaskTopic(event.topic)!.kind;
    const meta = metaOf(event);
    const perTask = `${kind}:${payload.taskId}` as const;
    // One case per kind keeps the payload types tied to the event names.
    switch (kind) {
      case 'created':
        this.emit(kind, payload as TaskCreatedEvent, meta);
        this.emit(perTask as `created:${string}`, payload as TaskCreatedEvent, meta);
        return;
      case 'assigned':
        this.emit(kind, payload as TaskAssignedEvent, meta);
        this.emit(perTask as `assigned:${string}`, payload as TaskAssignedEvent, meta);
        return;
      case 'progress':
        this.emit(kind, payload as TaskProgressEvent, meta);
        this.emit(perTask as `progress:${string}`, payload as TaskProgressEvent, meta);
        return;
      case 'completed':
        this.emit(kind, payload as TaskCompletedEvent, meta);
        this.emit(perTask as `completed:${string}`, payload as TaskCompletedEvent, meta);
        return;
      case 'failed':
        this.emit(kind, payload as TaskFailedEvent, meta);
        this.emit(perTask as `failed:${string}`, payload as TaskFailedEvent, meta);
        return;
    }
  }
}

function kindsOf(options: TaskSubscribeOptions): readonly TaskEventKind[] {
  return selectKinds('task', TASK_EVENT_KINDS, options.kinds);
}
