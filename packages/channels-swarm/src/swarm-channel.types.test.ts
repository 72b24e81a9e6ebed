import type { EventMeta, HubClient, Since } from '@switchboard/channels-core';
import type { SwitchboardError } from '@switchboard/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ParsedSwarmTopic,
  parseSwarmTopic,
  SWARM_EVENT_KINDS,
  SwarmChannelClient,
  type SwarmChannelClientOptions,
  type SwarmChannelEvents,
  type SwarmConsensusEvent,
  type SwarmCoordinationEvent,
  type SwarmEventKind,
  type SwarmPresenceEvent,
  type SwarmProposalEvent,
  type SwarmSubscribeOptions,
  type SwarmTopologyEvent,
  swarmPattern,
  type VoteReceipt,
} from './index.ts';

// Checked by `tsc` (pnpm typecheck): the events and signatures the template derives are the
// ones the package has always had. The constructor only stores the hub client.
const swarms = new SwarmChannelClient({} as HubClient);

/**
 * Each event and the payload its listeners get, as the package has always had them, plus
 * the seed API's coordination events and its names for presence.
 */
interface Payloads {
  'topology-change': SwarmTopologyEvent;
  presence: SwarmPresenceEvent;
  proposal: SwarmProposalEvent;
  consensus: SwarmConsensusEvent;
  coordination: SwarmCoordinationEvent;
  'agent-joined': SwarmPresenceEvent;
  'agent-left': SwarmPresenceEvent;
}

describe('SwarmChannelClient types', () => {
  it('gives each event its payload and EventMeta, also per swarm', () => {
    type ArgsOf<K> = K extends keyof SwarmChannelEvents ? Parameters<SwarmChannelEvents[K]> : never;
    type Listeners<Suffix extends string> = {
      [N in keyof Payloads]: ArgsOf<`${N}${Suffix}`>;
    };
    type Expected = { [N in keyof Payloads]: [Payloads[N], EventMeta] };
    expectTypeOf<Listeners<''>>().toEqualTypeOf<Expected>();
    expectTypeOf<Listeners<':s1'>>().toEqualTypeOf<Expected>();
    expectTypeOf<Parameters<SwarmChannelEvents['error']>>().toEqualTypeOf<[SwitchboardError]>();
    // No other event names than these and their per-swarm twins.
    expectTypeOf<Exclude<keyof SwarmChannelEvents, `${string}:${string}`>>().toEqualTypeOf<
      keyof Payloads | 'error'
    >();
    swarms.on('consensus', (event, meta) => {
      expectTypeOf(event).toEqualTypeOf<SwarmConsensusEvent>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    swarms.once('proposal:s1', (event) => {
      expectTypeOf(event).toEqualTypeOf<SwarmProposalEvent>();
      expectTypeOf(event.choices).toEqualTypeOf<string[]>();
    });
    // The seed API's reading of a result: `result.result?.accepted`.
    swarms.on('consensus', (event) => {
      expectTypeOf(event.result?.accepted).toEqualTypeOf<boolean | undefined>();
      expectTypeOf(event.timestamp).toEqualTypeOf<number>();
    });
    // @ts-expect-error the topology kind is emitted as `topology-change`
    swarms.on('topology', () => {});
  });

  it('keeps the emitter and the methods as they were', () => {
    expectTypeOf(swarms.on<'presence'>).returns.toEqualTypeOf<SwarmChannelClient>();
    expectTypeOf(swarms.listen<'presence'>).returns.toEqualTypeOf<() => void>();
    expectTypeOf(swarms.subscribeToSwarm).toEqualTypeOf<
      (swarmId: string, options?: SwarmSubscribeOptions) => Promise<void>
    >();
    expectTypeOf(swarms.waitForConsensus).toEqualTypeOf<
      (swarmId: string, proposalId: string, timeoutMs?: number) => Promise<SwarmConsensusEvent>
    >();
    expectTypeOf(swarms.submitVote).returns.toEqualTypeOf<Promise<VoteReceipt>>();
    expectTypeOf<SwarmSubscribeOptions>().toEqualTypeOf<{
      kinds?: readonly SwarmEventKind[];
      since?: Since;
    }>();
    expectTypeOf(SwarmChannelClient).constructorParameters.toEqualTypeOf<
      [client: HubClient, options?: SwarmChannelClientOptions]
    >();
  });

  it('keeps the topic helpers as they were', () => {
    expectTypeOf(SWARM_EVENT_KINDS).toEqualTypeOf<
      readonly ['topology', 'presence', 'proposal', 'consensus', 'coordination']
    >();
    expectTypeOf(parseSwarmTopic).returns.toEqualTypeOf<ParsedSwarmTopic | undefined>();
    expectTypeOf(swarmPattern).toEqualTypeOf<(swarmId: string, kind: SwarmEventKind) => string>();
  });
});
