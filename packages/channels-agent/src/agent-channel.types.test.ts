import type { EventMeta, HubClient, HubPublishResult, Since } from '@switchboard/channels-core';
import type { SwitchboardError } from '@switchboard/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AGENT_EVENT_KINDS,
  AgentChannelClient,
  type AgentChannelClientOptions,
  type AgentChannelEvents,
  type AgentChannelServer,
  type AgentEventKind,
  type AgentHealthEvent,
  type AgentLogsEvent,
  type AgentMetricsEvent,
  type AgentStatusEvent,
  type AgentStatusInput,
  type AgentSubscribeOptions,
  agentTopics,
  parseAgentTopic,
} from './index.ts';

// Checked by `tsc` (pnpm typecheck): the events and signatures the template derives are the
// ones the package has always had. The constructor only stores the hub client; nothing here talks to it.
const agents = new AgentChannelClient({} as HubClient);

describe('AgentChannelClient types', () => {
  it('gives each event its payload and EventMeta, also per agent', () => {
    type Args<E extends keyof AgentChannelEvents> = Parameters<AgentChannelEvents[E]>;
    expectTypeOf<Args<'status-change'>>().toEqualTypeOf<[AgentStatusEvent, EventMeta]>();
    expectTypeOf<Args<'status-change:agent-1'>>().toEqualTypeOf<[AgentStatusEvent, EventMeta]>();
    expectTypeOf<Args<'health-update'>>().toEqualTypeOf<[AgentHealthEvent, EventMeta]>();
    expectTypeOf<Args<'health-update:a'>>().toEqualTypeOf<[AgentHealthEvent, EventMeta]>();
    expectTypeOf<Args<'metrics'>>().toEqualTypeOf<[AgentMetricsEvent, EventMeta]>();
    expectTypeOf<Args<'metrics:a'>>().toEqualTypeOf<[AgentMetricsEvent, EventMeta]>();
    expectTypeOf<Args<'logs'>>().toEqualTypeOf<[AgentLogsEvent, EventMeta]>();
    expectTypeOf<Args<'logs:a'>>().toEqualTypeOf<[AgentLogsEvent, EventMeta]>();
    expectTypeOf<Args<'error'>>().toEqualTypeOf<[SwitchboardError]>();
    agents.on('status-change', (event, meta) => {
      expectTypeOf(event).toEqualTypeOf<AgentStatusEvent>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    agents.once('logs:agent-1', (event) => expectTypeOf(event).toEqualTypeOf<AgentLogsEvent>());
    // @ts-expect-error the status kind is emitted as `status-change`
    agents.on('status', () => {});
    // @ts-expect-error a health listener on a status event
    agents.on('status-change', (event: AgentHealthEvent) => event.healthy);
  });

  it('keeps the emitter and the methods as they were', () => {
    expectTypeOf(agents.on<'metrics'>).returns.toEqualTypeOf<AgentChannelClient>();
    expectTypeOf(agents.off<'metrics'>).returns.toEqualTypeOf<AgentChannelClient>();
    expectTypeOf(agents.listen<'metrics'>).returns.toEqualTypeOf<() => void>();
    expectTypeOf(agents.subscribeToAgent).toEqualTypeOf<
      (agentId: string, options?: AgentSubscribeOptions) => Promise<void>
    >();
    expectTypeOf(agents.subscribeAll).parameters.toEqualTypeOf<[AgentSubscribeOptions?]>();
    expectTypeOf(agents.reportStatus).toEqualTypeOf<(input: AgentStatusInput) => Promise<void>>();
    expectTypeOf(agents.getSubscribedAgents).returns.toEqualTypeOf<string[]>();
    expectTypeOf<AgentSubscribeOptions>().toEqualTypeOf<{
      kinds?: readonly AgentEventKind[];
      since?: Since;
    }>();
    expectTypeOf<AgentChannelServer['publishStatusChange']>().toEqualTypeOf<
      (input: AgentStatusInput) => Promise<HubPublishResult>
    >();
    // The template's building blocks are protected: not part of the public type.
    expectTypeOf(agents).not.toHaveProperty('subscribeTo');
    expectTypeOf(agents).not.toHaveProperty('publishEvent');
  });

  it('keeps the topic helpers typed as literals', () => {
    expectTypeOf(AGENT_EVENT_KINDS).toEqualTypeOf<
      readonly ['status', 'health', 'metrics', 'logs']
    >();
    expectTypeOf(agentTopics.allLogs).toEqualTypeOf<'agent.*.logs'>();
    expectTypeOf(agentTopics.status).toEqualTypeOf<(id: string) => string>();
    expectTypeOf(parseAgentTopic).returns.toEqualTypeOf<
      { agentId: string; kind: AgentEventKind } | undefined
    >();
    expectTypeOf(AgentChannelClient).constructorParameters.toEqualTypeOf<
      [client: HubClient, options?: AgentChannelClientOptions]
    >();
    expectTypeOf<AgentChannelClientOptions>().toEqualTypeOf<{ maxTrackedTopics?: number }>();
  });
});
