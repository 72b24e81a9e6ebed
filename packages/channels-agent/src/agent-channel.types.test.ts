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

/** Each event and the payload its listeners get, as the package has always had them. */
interface Payloads {
  'status-change': AgentStatusEvent;
  'health-update': AgentHealthEvent;
  metrics: AgentMetricsEvent;
  logs: AgentLogsEvent;
}

describe('AgentChannelClient types', () => {
  it('gives each event its payload and EventMeta, also per agent', () => {
    type ArgsOf<K> = K extends keyof AgentChannelEvents ? Parameters<AgentChannelEvents[K]> : never;
    type Listeners<Suffix extends string> = {
      [N in keyof Payloads]: ArgsOf<`${N}${Suffix}`>;
    };
    type Expected = { [N in keyof Payloads]: [Payloads[N], EventMeta] };
    expectTypeOf<Listeners<''>>().toEqualTypeOf<Expected>();
    expectTypeOf<Listeners<':agent-1'>>().toEqualTypeOf<Expected>();
    expectTypeOf<Parameters<AgentChannelEvents['error']>>().toEqualTypeOf<[SwitchboardError]>();
    // No other event names than these and their per-agent twins.
    expectTypeOf<Exclude<keyof AgentChannelEvents, `${string}:${string}`>>().toEqualTypeOf<
      keyof Payloads | 'error'
    >();
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
