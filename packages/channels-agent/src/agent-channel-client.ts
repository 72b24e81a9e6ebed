import type { ChannelClientOptions } from '@switchboard/channels-core';
import {
  assertSegment,
  ChannelSubscriptions,
  type EventMeta,
  type HubClient,
  type HubEvent,
  metaOf,
  mismatch,
  parsePayload,
  type Since,
  selectKinds,
} from '@switchboard/channels-core';
import { ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol';
import { BatchingLogStream, type LogStream, type LogStreamOptions } from './log-stream.ts';
import { prepare } from './prepare.ts';
import {
  AgentHealthEvent,
  type AgentHealthInput,
  AgentLogsEvent,
  AgentMetricsEvent,
  type AgentMetricsInput,
  type AgentStatus,
  AgentStatusEvent,
  type AgentStatusInput,
} from './schemas.ts';
import { AGENT_EVENT_KINDS, type AgentEventKind, agentTopic, parseAgentTopic } from './topics.ts';

type Listener<T> = (event: T, meta: EventMeta) => void;

/** Events of AgentChannelClient. `<name>:<agentId>` carries the events of one agent. */
export interface AgentChannelEvents {
  'status-change': Listener<AgentStatusEvent>;
  'health-update': Listener<AgentHealthEvent>;
  metrics: Listener<AgentMetricsEvent>;
  logs: Listener<AgentLogsEvent>;
  /** An event on a subscribed topic that failed validation (dropped), or a lost log batch. */
  error: (error: SwitchboardError) => void;
  [perAgent: `status-change:${string}`]: Listener<AgentStatusEvent>;
  [perAgent: `health-update:${string}`]: Listener<AgentHealthEvent>;
  [perAgent: `metrics:${string}`]: Listener<AgentMetricsEvent>;
  [perAgent: `logs:${string}`]: Listener<AgentLogsEvent>;
}

export interface AgentSubscribeOptions {
  /** Which event kinds. @default all four: status, health, metrics, logs */
  kinds?: readonly AgentEventKind[];
  /** Start from history: `'last'` replays each topic's retained last value (current status). */
  since?: Since;
}

export type AgentChannelClientOptions = ChannelClientOptions;

const EVENT_NAMES = {
  status: 'status-change',
  health: 'health-update',
  metrics: 'metrics',
  logs: 'logs',
} as const satisfies Record<AgentEventKind, string>;

const SCHEMAS = {
  status: AgentStatusEvent,
  health: AgentHealthEvent,
  metrics: AgentMetricsEvent,
  logs: AgentLogsEvent,
} as const;

/**
 * The agent channel over a hub client: dashboards subscribe and listen, agents report their
 * own status, health, metrics and output. Works with any object shaped like `WSClient`.
 */
export class AgentChannelClient extends TypedEmitter<AgentChannelEvents> {
  readonly #client: HubClient;
  readonly #subscriptions: ChannelSubscriptions;
  /** Last status reported per agent through this client, to fill in `previous`. */
  readonly #statuses = new Map<string, AgentStatus>();

  constructor(client: HubClient, options: AgentChannelClientOptions = {}) {
    super();
    this.#client = client;
    this.#subscriptions = new ChannelSubscriptions(
      client,
      (event) => this.#onEvent(event),
      options.maxTrackedTopics,
    );
  }

  /** Subscribes to every agent: `agent.*.status`, `agent.*.health`, ... */
  async subscribeAll(options: AgentSubscribeOptions = {}): Promise<void> {
    await this.#subscriptions.add(
      kindsOf(options).map((kind) => `agent.*.${kind}`),
      options.since,
    );
  }

  async unsubscribeAll(): Promise<void> {
    await this.#subscriptions.remove(AGENT_EVENT_KINDS.map((kind) => `agent.*.${kind}`));
  }

  /** Subscribes to one agent's topics, `agent.<agentId>.<kind>`. */
  async subscribeToAgent(agentId: string, options: AgentSubscribeOptions = {}): Promise<void> {
    const topics = kindsOf(options).map((kind) => agentTopic(agentId, kind));
    await this.#subscriptions.add(topics, options.since);
  }

  async unsubscribeFromAgent(agentId: string): Promise<void> {
    await this.#subscriptions.remove(AGENT_EVENT_KINDS.map((kind) => agentTopic(agentId, kind)));
  }

  /** Agents this client subscribed to one by one. */
  getSubscribedAgents(): string[] {
    const agents = new Set<string>();
    for (const pattern of this.#subscriptions.patterns) {
      const parsed = parseAgentTopic(pattern);
      if (parsed !== undefined && parsed.agentId !== '*') agents.add(parsed.agentId);
    }
    return [...agents];
  }

  /**
   * Publishes this agent's status to `agent.<agentId>.status`. `previous` defaults to the
   * last status reported through this client.
   */
  async reportStatus(input: AgentStatusInput): Promise<void> {
    const event = prepare(AgentStatusEvent, 'agent status event', 'status', {
      ...input,
      previous: input.previous ?? this.#statuses.get(input.agentId),
    });
    await this.#client.publish(event.topic, event.payload);
    this.#statuses.set(event.payload.agentId, event.payload.status);
  }

  async reportHealth(input: AgentHealthInput): Promise<void> {
    const event = prepare(AgentHealthEvent, 'agent health event', 'health', input);
    await this.#client.publish(event.topic, event.payload);
  }

  async reportMetrics(input: AgentMetricsInput): Promise<void> {
    const event = prepare(AgentMetricsEvent, 'agent metrics event', 'metrics', input);
    await this.#client.publish(event.topic, event.payload);
  }

  /**
   * A batched stream of output lines to `agent.<agentId>.logs`: `write` is synchronous and
   * never blocks; lines go out in batches of one publish each, in order, with a `seq` per
   * line; when the buffer is full the oldest lines are dropped and counted. A batch the hub
   * refuses is counted as dropped and emitted as `error`.
   */
  createLogStream(agentId: string, options: LogStreamOptions = {}): LogStream {
    assertSegment(agentId, 'agentId');
    const topic = agentTopic(agentId, 'logs');
    return new BatchingLogStream(
      agentId,
      (payload) => this.#client.publish(topic, payload),
      (error) => this.emit('error', SwitchboardError.from(error)),
      options,
    );
  }

  /** Unsubscribes everything this channel subscribed and removes its listener from the client. */
  async close(): Promise<void> {
    await this.#subscriptions.removeAll();
  }

  #onEvent(event: HubEvent): void {
    const parsed = parseAgentTopic(event.topic);
    if (parsed === undefined) return;
    const { agentId, kind } = parsed;
    let payload: { agentId: string };
    try {
      payload = parsePayload(SCHEMAS[kind], event.data, `agent ${kind} event`, event.topic);
      if (payload.agentId !== agentId) throw mismatch('agentId', payload.agentId, event.topic);
    } catch (error) {
      this.emit('error', SwitchboardError.from(error, ErrorCode.INVALID_MESSAGE));
      return;
    }
    const meta = metaOf(event);
    const name = EVENT_NAMES[kind];
    // One switch per kind keeps the payload types tied to the event names.
    switch (name) {
      case 'status-change':
        this.emit(name, payload as AgentStatusEvent, meta);
        this.emit(`${name}:${agentId}`, payload as AgentStatusEvent, meta);
        return;
      case 'health-update':
        this.emit(name, payload as AgentHealthEvent, meta);
        this.emit(`${name}:${agentId}`, payload as AgentHealthEvent, meta);
        return;
      case 'metrics':
        this.emit(name, payload as AgentMetricsEvent, meta);
        this.emit(`${name}:${agentId}`, payload as AgentMetricsEvent, meta);
        return;
      case 'logs':
        this.emit(name, payload as AgentLogsEvent, meta);
        this.emit(`${name}:${agentId}`, payload as AgentLogsEvent, meta);
        return;
    }
  }
}

function kindsOf(options: AgentSubscribeOptions): readonly AgentEventKind[] {
  return selectKinds('agent', AGENT_EVENT_KINDS, options.kinds);
}
