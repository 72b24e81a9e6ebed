import type { EventMeta, HubClient, HubPublishResult, Since } from '@switchboard/channels-core';
import type { SwitchboardError } from '@switchboard/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import {
  parseTaskTopic,
  TASK_EVENT_KINDS,
  type TaskAssignedEvent,
  TaskChannelClient,
  type TaskChannelClientOptions,
  type TaskChannelEvents,
  type TaskChannelServer,
  type TaskCompletedEvent,
  type TaskCreatedEvent,
  type TaskCreatedInput,
  type TaskEventKind,
  type TaskFailedEvent,
  type TaskProgressEvent,
  type TaskProgressInput,
  type TaskSubscribeOptions,
  taskTopics,
} from './index.ts';

// Checked by `tsc` (pnpm typecheck): the events and signatures the template derives are the
// ones the package has always had. The constructor only stores the hub client.
const tasks = new TaskChannelClient({} as HubClient);

/** Each event and the payload its listeners get, as the package has always had them. */
interface Payloads {
  created: TaskCreatedEvent;
  assigned: TaskAssignedEvent;
  progress: TaskProgressEvent;
  completed: TaskCompletedEvent;
  failed: TaskFailedEvent;
}

describe('TaskChannelClient types', () => {
  it('gives each event its payload and EventMeta, also per task', () => {
    type ArgsOf<K> = K extends keyof TaskChannelEvents ? Parameters<TaskChannelEvents[K]> : never;
    type Listeners<Suffix extends string> = {
      [N in keyof Payloads]: ArgsOf<`${N}${Suffix}`>;
    };
    type Expected = { [N in keyof Payloads]: [Payloads[N], EventMeta] };
    expectTypeOf<Listeners<''>>().toEqualTypeOf<Expected>();
    expectTypeOf<Listeners<':t1'>>().toEqualTypeOf<Expected>();
    expectTypeOf<Parameters<TaskChannelEvents['error']>>().toEqualTypeOf<[SwitchboardError]>();
    // No other event names than these and their per-task twins.
    expectTypeOf<Exclude<keyof TaskChannelEvents, `${string}:${string}`>>().toEqualTypeOf<
      keyof Payloads | 'error'
    >();
    tasks.on('progress', (event, meta) => {
      expectTypeOf(event).toEqualTypeOf<TaskProgressEvent>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    tasks.once('failed:t1', (event) => expectTypeOf(event).toEqualTypeOf<TaskFailedEvent>());
    // @ts-expect-error no such event
    tasks.on('started', () => {});
    // @ts-expect-error a progress event has no `error`
    tasks.on('progress', (event: TaskFailedEvent) => event.error);
  });

  it('keeps the emitter and the methods as they were', () => {
    expectTypeOf(tasks.on<'created'>).returns.toEqualTypeOf<TaskChannelClient>();
    expectTypeOf(tasks.listen<'created'>).returns.toEqualTypeOf<() => void>();
    expectTypeOf(tasks.subscribeToTask).toEqualTypeOf<
      (taskId: string, options?: TaskSubscribeOptions) => Promise<void>
    >();
    expectTypeOf(tasks.reportProgress).toEqualTypeOf<(input: TaskProgressInput) => Promise<void>>();
    expectTypeOf(tasks.waitForCompletion).toEqualTypeOf<
      (taskId: string, timeoutMs?: number) => Promise<TaskCompletedEvent>
    >();
    expectTypeOf<TaskSubscribeOptions>().toEqualTypeOf<{
      kinds?: readonly TaskEventKind[];
      since?: Since;
    }>();
    expectTypeOf<TaskChannelServer['publishCreated']>().toEqualTypeOf<
      (input: TaskCreatedInput) => Promise<HubPublishResult>
    >();
    expectTypeOf(TaskChannelClient).constructorParameters.toEqualTypeOf<
      [client: HubClient, options?: TaskChannelClientOptions]
    >();
    expectTypeOf(tasks).not.toHaveProperty('waitForEvent');
  });

  it('keeps the topic helpers typed as literals', () => {
    expectTypeOf(TASK_EVENT_KINDS).toEqualTypeOf<
      readonly ['created', 'assigned', 'progress', 'completed', 'failed']
    >();
    expectTypeOf(taskTopics.allFailed).toEqualTypeOf<'task.*.failed'>();
    expectTypeOf(parseTaskTopic).returns.toEqualTypeOf<
      { taskId: string; kind: TaskEventKind } | undefined
    >();
  });
});
