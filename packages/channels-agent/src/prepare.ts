import { parsePayload } from '@switchboard/channels-core';
import type {
  AgentHealthEvent,
  AgentLogsEvent,
  AgentMetricsEvent,
  AgentStatusEvent,
} from './schemas.ts';
import { type AgentEventKind, agentTopic } from './topics.ts';

type Schema =
  | typeof AgentStatusEvent
  | typeof AgentHealthEvent
  | typeof AgentMetricsEvent
  | typeof AgentLogsEvent;

/**
 * Checks the id (INVALID_TOPIC naming `agentId`) and the payload (INVALID_MESSAGE naming the
 * field), and fills in `at`. Shared by the server and the client side.
 */
export function prepare<S extends Schema>(
  schema: S,
  what: string,
  kind: AgentEventKind,
  input: { agentId: string; at?: number | undefined; [field: string]: unknown },
): { topic: string; payload: ReturnType<S['parse']> } {
  const topic = agentTopic(input.agentId, kind);
  const payload = parsePayload(schema, { ...input, at: input.at ?? Date.now() }, what);
  return { topic, payload: payload as ReturnType<S['parse']> };
}
