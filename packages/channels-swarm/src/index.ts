export type {
  EventMeta,
  HubClient,
  HubEvent,
  HubPrincipal,
  HubPublishResult,
  HubRouteContext,
  HubRouteDefinition,
  HubRoutingRouter,
  Since,
} from '@switchboard/channels-core';
export type { ProposalState, ProposeInput } from './consensus.ts';
export type {
  PresenceClient,
  PresenceSource,
  SwarmOf,
} from './presence-tracker.ts';
export { swarmIdOfPrincipal } from './presence-tracker.ts';
export type {
  SwarmConsensusInput,
  SwarmCoordinationInput,
  SwarmPresenceInput,
  SwarmTopologyInput,
} from './schemas.ts';
export {
  ABSTAIN,
  ConsensusOutcome,
  ConsensusReason,
  ConsensusSummary,
  ProposalId,
  Quorum,
  SwarmConsensusEvent,
  SwarmCoordinationEvent,
  SwarmId,
  SwarmPresenceEvent,
  SwarmProposalEvent,
  SwarmTopologyEvent,
  Topology,
  VoteReceipt,
  VoteRequest,
} from './schemas.ts';
export type {
  ConsensusDecidedInput,
  ConsensusProposedInput,
  PublishConsensusInput,
  SeedVote,
} from './seed-consensus.ts';
export { SEED_CHOICES } from './seed-consensus.ts';
export type {
  SwarmChannelClientOptions,
  SwarmChannelEvents,
  SwarmSubscribeOptions,
} from './swarm-channel-client.ts';
export { SwarmChannelClient } from './swarm-channel-client.ts';
export type {
  AgentPresenceInput,
  SwarmChannelServerEvents,
  SwarmChannelServerOptions,
} from './swarm-channel-server.ts';
export { SWARM_CHANNEL_SERVER_DEFAULTS, SwarmChannelServer } from './swarm-channel-server.ts';
export type { Decision } from './tally.ts';
export { decide, decideAtDeadline, requiredVotes } from './tally.ts';
export type { ParsedSwarmTopic, SwarmEventKind } from './topics.ts';
export {
  consensusTopic,
  parseSwarmTopic,
  presenceTopic,
  proposalTopic,
  SWARM_EVENT_KINDS,
  SWARM_VOTE_METHOD,
  swarmPattern,
  swarmTopics,
  topologyTopic,
} from './topics.ts';
export type { VoterNames } from './voter-identity.ts';
