import { assertSegment, joinTopic } from '@switchboard/channels-core';

export const AGENT_EVENT_KINDS = ['status', 'health', 'metrics', 'logs'] as const;
export type AgentEventKind = (typeof AGENT_EVENT_KINDS)[number];

/** `agent.<agentId>.<kind>`; throws INVALID_TOPIC (`details.field: 'agentId'`) for a bad id. */
export function agentTopic(agentId: string, kind: AgentEventKind): string {
  assertSegment(agentId, 'agentId');
  return joinTopic(['agent', agentId, kind], 'agentId');
}

/** Topic builders; `all*` are the wildcard patterns over every agent. */
export const agentTopics = {
  status: (agentId: string) => agentTopic(agentId, 'status'),
  health: (agentId: string) => agentTopic(agentId, 'health'),
  metrics: (agentId: string) => agentTopic(agentId, 'metrics'),
  logs: (agentId: string) => agentTopic(agentId, 'logs'),
  allStatus: 'agent.*.status',
  allHealth: 'agent.*.health',
  allMetrics: 'agent.*.metrics',
  allLogs: 'agent.*.logs',
} as const;

/** The agent id and kind of an agent topic, or undefined for any other topic. */
export function parseAgentTopic(
  topic: string,
): { agentId: string; kind: AgentEventKind } | undefined {
  const parts = topic.split('.');
  if (parts.length !== 3 || parts[0] !== 'agent') return undefined;
  const kind = parts[2] as AgentEventKind;
  if (!AGENT_EVENT_KINDS.includes(kind)) return undefined;
  return { agentId: parts[1]!, kind };
}
