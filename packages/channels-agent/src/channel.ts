import { defineChannel, type SpecOf } from '@switchboard/channels-core';
import {
  AgentHealthEvent,
  AgentLogsEvent,
  AgentMetricsEvent,
  AgentStatusEvent,
} from './schemas.ts';

/**
 * The agent channel: `agent.<agentId>.<kind>`, one schema per kind. The payload shapes live
 * in `schemas.ts`; this is the one place that ties each kind to its schema and event name.
 */
export const AGENT_CHANNEL = defineChannel({
  prefix: 'agent',
  id: 'agentId',
  kinds: ['status', 'health', 'metrics', 'logs'],
  schemas: {
    status: AgentStatusEvent,
    health: AgentHealthEvent,
    metrics: AgentMetricsEvent,
    logs: AgentLogsEvent,
  },
  events: { status: 'status-change', health: 'health-update' },
});

export type AgentChannelSpec = SpecOf<typeof AGENT_CHANNEL>;
