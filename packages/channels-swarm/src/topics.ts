import { assertSegment, joinTopic } from '@switchboard/channels-core';

/** The request method votes go through (a route on the hub, not a topic). */
export const SWARM_VOTE_METHOD = 'swarm.vote';

export const SWARM_EVENT_KINDS = ['topology', 'presence', 'proposal', 'consensus'] as const;
export type SwarmEventKind = (typeof SWARM_EVENT_KINDS)[number];

/** `swarm.<swarmId>.topology` */
export function topologyTopic(swarmId: string): string {
  assertSegment(swarmId, 'swarmId');
  return joinTopic(['swarm', swarmId, 'topology'], 'swarmId');
}

/** `swarm.<swarmId>.presence` */
export function presenceTopic(swarmId: string): string {
  assertSegment(swarmId, 'swarmId');
  return joinTopic(['swarm', swarmId, 'presence'], 'swarmId');
}

/** `swarm.<swarmId>.proposal.<proposalId>` */
export function proposalTopic(swarmId: string, proposalId: string): string {
  assertSegment(swarmId, 'swarmId');
  assertSegment(proposalId, 'proposalId');
  return joinTopic(['swarm', swarmId, 'proposal', proposalId], 'proposalId');
}

/** `swarm.<swarmId>.consensus.<proposalId>` */
export function consensusTopic(swarmId: string, proposalId: string): string {
  assertSegment(swarmId, 'swarmId');
  assertSegment(proposalId, 'proposalId');
  return joinTopic(['swarm', swarmId, 'consensus', proposalId], 'proposalId');
}

/** The patterns covering one swarm's events of `kind` (`swarmId` may be `*`). */
export function swarmPattern(swarmId: string, kind: SwarmEventKind): string {
  if (swarmId !== '*') assertSegment(swarmId, 'swarmId');
  return kind === 'proposal' || kind === 'consensus'
    ? `swarm.${swarmId}.${kind}.*`
    : `swarm.${swarmId}.${kind}`;
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
  const parts = topic.split('.');
  if (parts[0] !== 'swarm') return undefined;
  const [, swarmId, kind, proposalId] = parts;
  if (parts.length === 3 && (kind === 'topology' || kind === 'presence')) {
    return { swarmId: swarmId!, kind };
  }
  if (parts.length === 4 && (kind === 'proposal' || kind === 'consensus')) {
    return { swarmId: swarmId!, kind, proposalId: proposalId! };
  }
  return undefined;
}
