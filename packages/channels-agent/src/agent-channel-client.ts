import {
  ChannelClient,
  type ChannelClientOptions,
  type ChannelEvents,
  type HubClient,
  type SubscribeOptions,
} from '@switchboard/channels-core';
import { SwitchboardError } from '@switchboard/protocol';
import { AGENT_CHANNEL, type AgentChannelSpec } from './channel.ts';
import { LastStatus } from './last-status.ts';
import { BatchingLogStream, type LogStream, type LogStreamOptions } from './log-stream.ts';
import type { AgentHealthInput, AgentMetricsInput, AgentStatusInput } from './schemas.ts';
import { type AgentEventKind, agentTopic } from './topics.ts';

/**
 * Events of AgentChannelClient: `status-change`, `health-update`, `metrics` and `logs`, each
 * also as `<name>:<agentId>` for one agent, and `error` for an event on a subscribed topic
 * that failed validation (dropped) or a lost log batch.
 */
export type AgentChannelEvents = ChannelEvents<AgentChannelSpec>;

/** `kinds` defaults to all four: status, health, metrics, logs. */
export type AgentSubscribeOptions = SubscribeOptions<AgentEventKind>;

export type AgentChannelClientOptions = ChannelClientOptions;

/**
 * The agent channel over a hub client: dashboards subscribe and listen, agents report their
 * own status, health, metrics and output. Works with any object shaped like `WSClient`.
 */
export class AgentChannelClient extends ChannelClient<AgentChannelSpec> {
  readonly #lastStatus = new LastStatus();

  constructor(client: HubClient, options: AgentChannelClientOptions = {}) {
    super(AGENT_CHANNEL, client, options);
  }

  /** Subscribes to one agent's topics, `agent.<agentId>.<kind>`. */
  subscribeToAgent(agentId: string, options: AgentSubscribeOptions = {}): Promise<void> {
    return this.subscribeTo(agentId, options);
  }

  unsubscribeFromAgent(agentId: string): Promise<void> {
    return this.unsubscribeFrom(agentId);
  }

  /** Agents this client subscribed to one by one. */
  getSubscribedAgents(): string[] {
    return this.subscribedIds();
  }

  /**
   * Publishes this agent's status to `agent.<agentId>.status`. `previous` defaults to the
   * last status reported through this client.
   */
  async reportStatus(input: AgentStatusInput): Promise<void> {
    await this.#lastStatus.publish(this.hub, input);
  }

  reportHealth(input: AgentHealthInput): Promise<void> {
    return this.publishEvent('health', input);
  }

  reportMetrics(input: AgentMetricsInput): Promise<void> {
    return this.publishEvent('metrics', input);
  }

  /**
   * A batched stream of output lines to `agent.<agentId>.logs`: `write` is synchronous and
   * never blocks; lines go out in batches of one publish each, in order, with a `seq` per
   * line; when the buffer is full the oldest lines are dropped and counted. A batch the hub
   * refuses is counted as dropped and emitted as `error`.
   */
  createLogStream(agentId: string, options: LogStreamOptions = {}): LogStream {
    const topic = agentTopic(agentId, 'logs');
    return new BatchingLogStream(
      agentId,
      (payload) => this.hub.publish(topic, payload),
      (error) => this.emit('error', SwitchboardError.from(error)),
      options,
    );
  }
}
