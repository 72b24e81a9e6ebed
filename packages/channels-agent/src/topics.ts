import { topicBuilders } from '@switchboard/channels-core';
import { AGENT_CHANNEL } from './channel.ts';

export const AGENT_EVENT_KINDS = AGENT_CHANNEL.kinds;
export type AgentEventKind = (typeof AGENT_EVENT_KINDS)[number];

/** `agent.<agentId>.<kind>`; throws INVALID_TOPIC (`details.field: 'agentId'`) for a bad id. */
export function agentTopic(agentId: string, kind: AgentEventKind): string {
  return AGENT_CHANNEL.topic(agentId, kind);
}

/** Topic builders; `all*` are the wildcard patterns over every agent. */
export const agentTopics = topicBuilders(AGENT_CHANNEL);

/** The agent id and kind of an agent topic, or undefined for any other topic. */
export function parseAgentTopic(
  topic: string,
): { agentId: string; kind: AgentEventKind } | undefined {
  return AGENT_CHANNEL.parseTopic(topic);
}
