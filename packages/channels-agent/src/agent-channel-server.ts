import type { HubPublishResult, HubRouter } from '@switchboard/channels-core';
import { prepare } from './prepare.ts';
import {
  AgentHealthEvent,
  type AgentHealthInput,
  AgentLogsEvent,
  type AgentLogsInput,
  AgentMetricsEvent,
  type AgentMetricsInput,
  type AgentStatus,
  AgentStatusEvent,
  type AgentStatusInput,
} from './schemas.ts';

/**
 * Publishes agent events from the hub's side (e.g. a coordinator that supervises agents).
 * Each event goes to exactly one topic, `agent.<agentId>.<kind>`; aggregate views subscribe
 * with wildcards (`agent.*.status`), so nothing is published twice.
 */
export class AgentChannelServer {
  readonly #router: HubRouter;
  /** Last status published per agent, to fill in `previous`. */
  readonly #statuses = new Map<string, AgentStatus>();

  constructor(router: HubRouter) {
    this.#router = router;
  }

  /** Publishes to `agent.<agentId>.status`; `previous` defaults to the last status published here. */
  async publishStatusChange(input: AgentStatusInput): Promise<HubPublishResult> {
    const event = prepare(AgentStatusEvent, 'agent status event', 'status', {
      ...input,
      previous: input.previous ?? this.#statuses.get(input.agentId),
    });
    const result = await this.#router.publish(event.topic, event.payload);
    this.#statuses.set(event.payload.agentId, event.payload.status);
    return result;
  }

  /** Publishes to `agent.<agentId>.health`. */
  async publishHealthUpdate(input: AgentHealthInput): Promise<HubPublishResult> {
    const event = prepare(AgentHealthEvent, 'agent health event', 'health', input);
    return this.#router.publish(event.topic, event.payload);
  }

  /** Publishes to `agent.<agentId>.metrics`. */
  async publishMetrics(input: AgentMetricsInput): Promise<HubPublishResult> {
    const event = prepare(AgentMetricsEvent, 'agent metrics event', 'metrics', input);
    return this.#router.publish(event.topic, event.payload);
  }

  /** Publishes one batch of log lines to `agent.<agentId>.logs` (e.g. relayed from elsewhere). */
  async publishLogs(input: AgentLogsInput): Promise<HubPublishResult> {
    const event = prepare(AgentLogsEvent, 'agent logs event', 'logs', input);
    return this.#router.publish(event.topic, event.payload);
  }
}
