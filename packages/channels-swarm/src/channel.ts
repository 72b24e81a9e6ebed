import { defineChannel, type SpecOf } from '@switchboard/channels-core';
import {
  SwarmConsensusEvent,
  SwarmCoordinationEvent,
  SwarmPresenceEvent,
  SwarmProposalEvent,
  SwarmTopologyEvent,
} from './schemas.ts';

/**
 * The swarm channel: `swarm.<swarmId>.topology`, `.presence`, `.coordination`, and one
 * topic per proposal for proposals and results, `swarm.<swarmId>.<kind>.<proposalId>`. The payload
 * shapes live in `schemas.ts`; this is the one place that ties each kind to its schema.
 */
export const SWARM_CHANNEL = defineChannel({
  prefix: 'swarm',
  id: 'swarmId',
  kinds: ['topology', 'presence', 'proposal', 'consensus', 'coordination'],
  schemas: {
    topology: SwarmTopologyEvent,
    presence: SwarmPresenceEvent,
    proposal: SwarmProposalEvent,
    consensus: SwarmConsensusEvent,
    coordination: SwarmCoordinationEvent,
  },
  events: { topology: 'topology-change' },
  subIds: { proposal: 'proposalId', consensus: 'proposalId' },
  // The seed API's names for presence events.
  alsoEmits: {
    presence: { field: 'event', names: { joined: 'agent-joined', left: 'agent-left' } },
  },
});

export type SwarmChannelSpec = SpecOf<typeof SWARM_CHANNEL>;
