export type {
  EventMeta,
  HubClient,
  HubEvent,
  HubPublishResult,
  HubRouter,
  Since,
} from '@switchboard/channels-core';
export type {
  AgentChannelClientOptions,
  AgentChannelEvents,
  AgentSubscribeOptions,
} from './agent-channel-client.ts';
export { AgentChannelClient } from './agent-channel-client.ts';
export { AgentChannelServer } from './agent-channel-server.ts';
export type { LogStream, LogStreamOptions, LogStreamStats } from './log-stream.ts';
export { LOG_STREAM_DEFAULTS } from './log-stream.ts';
export type {
  AgentHealthInput,
  AgentLogsInput,
  AgentMetricsInput,
  AgentStatusInput,
} from './schemas.ts';
export {
  AgentHealthEvent,
  AgentId,
  AgentLogLine,
  AgentLogsEvent,
  AgentMetricsEvent,
  AgentStatus,
  AgentStatusEvent,
  LogStreamName,
} from './schemas.ts';
export type { AgentEventKind } from './topics.ts';
export { AGENT_EVENT_KINDS, agentTopic, agentTopics, parseAgentTopic } from './topics.ts';
