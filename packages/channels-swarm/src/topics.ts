import { SWARM_CHANNEL } from './channel.ts';

/** The request method votes go through (a route on the hub, not a topic). */
export const SWARM_VOTE_METHOD = 'swarm.vote';

export const SWARM_EVENT_KINDS = SWARM_CHANNEL.kinds;
export type SwarmEventKind = (typeof SWARM_EVENT_KINDS)[number];

/** `swarm.<swarmId>.topology` */
export function topologyTopic(swarmId: string): string {
  return SWARM_CHANNEL.topic(swarmId, 'topology');
}

/** `swarm.<swarmId>.presence` */
export function presenceTopic(swarmId: string): string {
  return SWARM_CHANNEL.topic(swarmId, 'presence');
}

/** `swarm.<swarmId>.proposal.<proposalId>` */
export function proposalTopic(swarmId: string, proposalId: string): string {
  return SWARM_CHANNEL.topic(swarmId, 'proposal', proposalId);
}

/** `swarm.<swarmId>.consensus.<proposalId>` */
export function consensusTopic(swarmId: string, proposalId: string): string {
  return SWARM_CHANNEL.topic(swarmId, 'consensus', proposalId);
}

/** The patterns covering one swarm's events of `kind` (`swarmId` may be `*`). */
export function swarmPattern(swarmId: string, kind: SwarmEventKind): string {
  return swarmId === '*' ? SWARM_CHANNEL.wildcard(kind) : SWARM_CHANNEL.pattern(swarmId, kind);
}

/** Topic builders. */
export const swarmTopics = {
  topology: topologyTopic,
  presence: presenceTopic,
  proposal: proposalTopic,
  consensus: consensusTopic,
  pattern: swarmPattern,
} as const;

export interface ParsedSwarmTopic {
  swarmId: string;
  kind: SwarmEventKind;
  proposalId?: string;
}

/** The parts of a swarm topic, or undefined for any other topic. */
export function parseSwarmTopic(topic: string): ParsedSwarmTopic | undefined {
  return SWARM_CHANNEL.parseTopic(topic);
}
