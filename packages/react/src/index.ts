export type { AgentSnapshot, AgentState } from './agent-directory.ts';
export type { ConnectionStatusProps } from './connection-status.tsx';
export { CONNECTION_LABELS, ConnectionStatus } from './connection-status.tsx';
export type { ConnectionInfo } from './connection-store.ts';
export type { SwitchboardProviderProps } from './provider.tsx';
export { SwitchboardProvider, useSwitchboard } from './provider.tsx';
export { MAX_RETAINED_TOPICS, type Since } from './topic-registry.ts';
export type { TopicEvent, TopicSnapshot } from './topic-view.ts';
export type { AgentChannel } from './use-agent-channel.ts';
export { useAgentChannel } from './use-agent-channel.ts';
export type { AgentCommand, UseAgentCommandOptions } from './use-agent-command.ts';
export { useAgentCommand } from './use-agent-command.ts';
export { useConnectionStatus } from './use-connection-status.ts';
export type {
  RealtimeEvents,
  RealtimeMetrics,
  UseRealtimeEventsOptions,
  UseRealtimeMetricsOptions,
} from './use-realtime.ts';
export { DEFAULT_METRICS_TOPIC, useRealtimeEvents, useRealtimeMetrics } from './use-realtime.ts';
export type { RequestState, UseRequestOptions, UseRequestResult } from './use-request.ts';
export { useRequest } from './use-request.ts';
export type { UseTopicOptions } from './use-topic.ts';
export { MAX_TOPIC_LIMIT, useTopic } from './use-topic.ts';
export type { SendFunction, UseWebSocketOptions, UseWebSocketResult } from './use-web-socket.ts';
export { useWebSocket } from './use-web-socket.ts';
