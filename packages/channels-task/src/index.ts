export type {
  EventMeta,
  HubClient,
  HubEvent,
  HubPublishResult,
  HubRouter,
  Since,
} from '@switchboard/channels-core';
export { TaskFailedError } from './errors.ts';
export type {
  TaskAssignedInput,
  TaskCompletedInput,
  TaskCreatedInput,
  TaskFailedInput,
  TaskProgressInput,
} from './schemas.ts';
export {
  TaskAssignedEvent,
  TaskCompletedEvent,
  TaskCreatedEvent,
  TaskFailedEvent,
  TaskId,
  TaskProgressEvent,
} from './schemas.ts';
export type {
  TaskChannelClientOptions,
  TaskChannelEvents,
  TaskSubscribeOptions,
} from './task-channel-client.ts';
export { TaskChannelClient } from './task-channel-client.ts';
export { TaskChannelServer } from './task-channel-server.ts';
export type { TaskEventKind } from './topics.ts';
export { parseTaskTopic, TASK_EVENT_KINDS, taskTopic, taskTopics } from './topics.ts';
