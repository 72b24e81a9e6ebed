import { ChannelServer, type HubPublishResult, type HubRouter } from '@switchboard/channels-core';
import { AGENT_CHANNEL, type AgentChannelSpec } from './channel.ts';
import { LastStatus } from './last-status.ts';
import type {
  AgentHealthInput,
  AgentLogsInput,
  AgentMetricsInput,
  AgentStatusInput,
} from './schemas.ts';

/**
 * Publishes agent events from the hub's side (e.g. a coordinator that supervises agents).
 * Each event goes to exactly one topic, `agent.<agentId>.<kind>`; aggregate views subscribe
 * with wildcards (`agent.*.status`), so nothing is published twice.
 */
export class AgentChannelServer extends ChannelServer<AgentChannelSpec> {
  readonly #lastStatus = new LastStatus();

  constructor(router: HubRouter) {
    super(AGENT_CHANNEL, router);
  }

  /** Publishes to `agent.<agentId>.status`; `previous` defaults to the last status published here. */
  publishStatusChange(input: AgentStatusInput): Promise<HubPublishResult> {
    return this.#lastStatus.publish(this.router, input);
  }

  /** Publishes to `agent.<agentId>.health`. */
  publishHealthUpdate(input: AgentHealthInput): Promise<HubPublishResult> {
    return this.publishEvent('health', input);
  }

  /** Publishes to `agent.<agentId>.metrics`. */
  publishMetrics(input: AgentMetricsInput): Promise<HubPublishResult> {
    return this.publishEvent('metrics', input);
  }

  /** Publishes one batch of log lines to `agent.<agentId>.logs` (e.g. relayed from elsewhere). */
  publishLogs(input: AgentLogsInput): Promise<HubPublishResult> {
    return this.publishEvent('logs', input);
  }
}
