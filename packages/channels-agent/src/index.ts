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
export type {
  CommandFollowerEvents,
  FollowCommandOptions,
} from './command-follower.ts';
export { CommandFollower } from './command-follower.ts';
export type { RunCommandOptions } from './command-run.ts';
export { CommandRun, newCommandId } from './command-run.ts';
export type {
  CommandExecutor,
  CommandIO,
  CommandService,
  ServeCommandsOptions,
} from './command-server.ts';
export type { CommandOutputOptions } from './command-session.ts';
export { COMMAND_OUTPUT_DEFAULTS } from './command-session.ts';
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
export {
  AGENT_TERMINAL_CHANNEL,
  commandMethods,
  terminalPattern,
  terminalTopic,
} from './terminal-channel.ts';
export {
  CommandExitEvent,
  CommandId,
  CommandOutputEvent,
  CommandRequest,
  CommandStartEvent,
  CommandStatus,
  InterruptRequest,
  TerminalChunk,
  TerminalEvent,
} from './terminal-schemas.ts';
export type { AgentEventKind } from './topics.ts';
export { AGENT_EVENT_KINDS, agentTopic, agentTopics, parseAgentTopic } from './topics.ts';
