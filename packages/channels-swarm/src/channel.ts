import { defineChannel, type SpecOf } from '@switchboard/channels-core';
import {
  SwarmConsensusEvent,
  SwarmPresenceEvent,
  SwarmProposalEvent,
  SwarmTopologyEvent,
} from './schemas.ts';

/**
 * The swarm channel: `swarm.<swarmId>.topology`, `swarm.<swarmId>.presence`, and one topic
 * per proposal for proposals and results, `swarm.<swarmId>.<kind>.<proposalId>`. The payload
 * shapes live in `schemas.ts`; this is the one place that ties each kind to its schema.
 */
export const SWARM_CHANNEL = defineChannel({
  prefix: 'swarm',
  id: 'swarmId',
  kinds: ['topology', 'presence', 'proposal', 'consensus'],
  schemas: {
    topology: SwarmTopologyEvent,
    presence: SwarmPresenceEvent,
    proposal: SwarmProposalEvent,
    consensus: SwarmConsensusEvent,
  },
  events: { topology: 'topology-change' },
  subIds: { proposal: 'proposalId', consensus: 'proposalId' },
});

export type SwarmChannelSpec = SpecOf<typeof SWARM_CHANNEL>;
