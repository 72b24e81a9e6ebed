import {
  AgentChannelClient,
  type AgentHealthEvent,
  type AgentStatus,
  type AgentStatusEvent,
} from '@switchboard/channels-agent';
import type { EventMeta } from '@switchboard/channels-core';
import { SwitchboardError, type WSClient } from '@switchboard/client';
import { DeferredRefCounts } from './deferred-ref-counts.ts';
import { perClient } from './per-client.ts';

/** What a dashboard knows about one agent: its last status and health. */
export interface AgentState {
  agentId: string;
  status: AgentStatus | undefined;
  previous: AgentStatus | undefined;
  reason: string | undefined;
  /** When the agent made its last status event (its `at`, ms since 1970). */
  statusAt: number | undefined;
  healthy: boolean | undefined;
  cpu: number | undefined;
  memoryMb: number | undefined;
  uptimeMs: number | undefined;
  healthAt: number | undefined;
  /** When the hub stored this agent's latest event (ms since 1970). */
  updatedAt: number;
}

export interface AgentSnapshot {
  /** Every agent heard of, by id. */
  agents: readonly AgentState[];
  byId: ReadonlyMap<string, AgentState>;
  /** A subscription was refused, or an invalid event was dropped. */
  error: SwitchboardError | undefined;
}

/** `'*'` is every agent (`agent.*.status`...); agent ids are single segments, never `*`. */
export const ALL_AGENTS = '*';
const KINDS = ['status', 'health'] as const;
const EMPTY: AgentSnapshot = Object.freeze({ agents: [], byId: new Map(), error: undefined });

/**
 * One per client: the status and health of agents, from one AgentChannelClient shared by
 * every `useAgentChannel` on the client. Scopes (all agents, or one) are counted and
 * subscribed after the current pass of effects, like topics, starting from each topic's
 * retained last value so a dashboard shows the current state at once.
 */
export class AgentDirectory {
  readonly channel: AgentChannelClient;
  readonly #agents = new Map<string, AgentState>();
  readonly #listeners = new Set<() => void>();
  readonly #scopes = new DeferredRefCounts<string>({
    start: (scope) => this.#settle(this.#subscribe(scope)),
    stop: (scope) =>
      this.#settle(
        scope === ALL_AGENTS
          ? this.channel.unsubscribeAll()
          : this.channel.unsubscribeFromAgent(scope),
      ),
  });
  #error: SwitchboardError | undefined;
  #snapshot: AgentSnapshot = EMPTY;
  #dirty = false;
  #unlisten: (() => void) | undefined;

  constructor(client: WSClient) {
    this.channel = new AgentChannelClient(client);
  }

  /** Holds `scope` while `onChange` is subscribed; for useSyncExternalStore. */
  subscribe(scope: string, onChange: () => void): () => void {
    this.#listeners.add(onChange);
    if (this.#unlisten === undefined) this.#listen();
    this.#scopes.retain(scope);
    return () => {
      this.#listeners.delete(onChange);
      this.#scopes.release(scope);
      if (this.#listeners.size === 0) {
        this.#unlisten?.();
        this.#unlisten = undefined;
      }
    };
  }

  readonly getSnapshot = (): AgentSnapshot => {
    if (this.#dirty) {
      this.#dirty = false;
      const agents = [...this.#agents.values()].sort((a, b) => a.agentId.localeCompare(b.agentId));
      this.#snapshot = { agents, byId: new Map(this.#agents), error: this.#error };
    }
    return this.#snapshot;
  };

  readonly getServerSnapshot = (): AgentSnapshot => EMPTY;

  #subscribe(scope: string): Promise<void> {
    const options = { kinds: [...KINDS], since: 'last' as const };
    return scope === ALL_AGENTS
      ? this.channel.subscribeAll(options)
      : this.channel.subscribeToAgent(scope, options);
  }

  #settle(work: Promise<void>): void {
    work.catch((error: unknown) => this.#fail(SwitchboardError.from(error)));
  }

  #listen(): void {
    const offs = [
      this.channel.listen('status-change', (event, meta) => this.#onStatus(event, meta)),
      this.channel.listen('health-update', (event, meta) => this.#onHealth(event, meta)),
      this.channel.listen('error', (error) => this.#fail(error)),
    ];
    this.#unlisten = () => {
      for (const off of offs) off();
    };
  }

  #onStatus(event: AgentStatusEvent, meta: EventMeta): void {
    this.#merge(event.agentId, meta, {
      status: event.status,
      previous: event.previous,
      reason: event.reason,
      statusAt: event.at,
    });
  }

  #onHealth(event: AgentHealthEvent, meta: EventMeta): void {
    this.#merge(event.agentId, meta, {
      healthy: event.healthy,
      cpu: event.cpu,
      memoryMb: event.memoryMb,
      uptimeMs: event.uptimeMs,
      healthAt: event.at,
    });
  }

  #merge(agentId: string, meta: EventMeta, change: Partial<AgentState>): void {
    const known = this.#agents.get(agentId) ?? blankAgent(agentId);
    this.#agents.set(agentId, {
      ...known,
      ...change,
      updatedAt: Math.max(known.updatedAt, meta.timestamp),
    });
    this.#changed();
  }

  #fail(error: SwitchboardError): void {
    this.#error = error;
    this.#changed();
  }

  #changed(): void {
    this.#dirty = true;
    for (const listener of [...this.#listeners]) listener();
  }
}

function blankAgent(agentId: string): AgentState {
  return {
    agentId,
    status: undefined,
    previous: undefined,
    reason: undefined,
    statusAt: undefined,
    healthy: undefined,
    cpu: undefined,
    memoryMb: undefined,
    uptimeMs: undefined,
    healthAt: undefined,
    updatedAt: 0,
  };
}

/** The agent directory of a client. */
export const agentDirectory = perClient((client) => new AgentDirectory(client));
