import { type Input, SegmentId, Timestamp } from '@switchboard/channels-core';
import { z } from 'zod';

/**
 * Payloads of the swarm topics and of the `swarm.vote` request. Every event payload carries
 * `at`, when the sender made it (ms). Unknown fields are stripped, not refused.
 */

export const SwarmId = SegmentId.meta({ description: 'One topic segment, e.g. "s1".' });
export const ProposalId = SegmentId.meta({ description: 'One topic segment, unique per swarm.' });
/** A principal id as the hub authenticated it (not part of any topic). */
const PrincipalId = z.string().min(1);

export const Topology = z.enum(['mesh', 'hierarchical', 'ring', 'star']);

/** `swarm.<swarmId>.topology` */
export const SwarmTopologyEvent = z.object({
  swarmId: SwarmId,
  topology: Topology,
  agents: z.array(PrincipalId),
  /** Increases with every change of the swarm's topology. */
  version: z.int().min(0),
  at: Timestamp,
});

/** `swarm.<swarmId>.presence` */
export const SwarmPresenceEvent = z.object({
  swarmId: SwarmId,
  agentId: PrincipalId,
  event: z.enum(['joined', 'left']),
  reason: z.string().optional(),
  at: Timestamp,
});

/**
 * How many eligible voters must pick the same choice. `majority`: more than half of the
 * voters; `unanimous`: all of them; `threshold`: at least `threshold` (a fraction in (0, 1])
 * of them, rounded up.
 */
export const Quorum = z
  .object({
    rule: z.enum(['majority', 'unanimous', 'threshold']),
    threshold: z.number().gt(0).max(1).optional(),
  })
  .superRefine((quorum, context) => {
    if (quorum.rule === 'threshold' && quorum.threshold === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: 'rule "threshold" needs a threshold: a fraction of the voters in (0, 1]',
      });
    }
    if (quorum.rule !== 'threshold' && quorum.threshold !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `rule "${quorum.rule}" takes no threshold`,
      });
    }
  });

const distinct = (list: readonly string[]) => new Set(list).size === list.length;

/** `swarm.<swarmId>.proposal.<proposalId>` */
export const SwarmProposalEvent = z.object({
  swarmId: SwarmId,
  proposalId: ProposalId,
  subject: z.string().min(1),
  choices: z
    .array(z.string().min(1))
    .min(2)
    .refine(distinct, 'choices must not repeat')
    .default(['approve', 'reject']),
  quorum: Quorum,
  /** Principal ids allowed to vote, each once. */
  voters: z.array(PrincipalId).min(1).refine(distinct, 'voters must not repeat'),
  /** When voting closes (ms since 1970). */
  deadline: Timestamp,
  at: Timestamp,
});

export const ConsensusOutcome = z.enum(['approved', 'rejected', 'no-quorum']);
export const ConsensusReason = z.enum(['quorum', 'deadline', 'all-voted']);

/** `swarm.<swarmId>.consensus.<proposalId>`: published once per proposal. */
export const SwarmConsensusEvent = z.object({
  swarmId: SwarmId,
  proposalId: ProposalId,
  outcome: ConsensusOutcome,
  /** The choice that reached the quorum, when one did. */
  winner: z.string().optional(),
  /** Votes per choice, every choice listed. */
  tally: z.record(z.string(), z.int().min(0)),
  /** Choice per voter (principal id). */
  votes: z.record(z.string(), z.string()),
  decidedAt: Timestamp,
  reason: ConsensusReason,
  at: Timestamp,
});

/** Data of the `swarm.vote` request. The voter is the caller's principal, never a field. */
export const VoteRequest = z.object({
  swarmId: SwarmId,
  proposalId: ProposalId,
  choice: z.string().min(1),
});

/** Response to `swarm.vote`. */
export const VoteReceipt = z.object({
  swarmId: SwarmId,
  proposalId: ProposalId,
  voterId: PrincipalId,
  choice: z.string(),
  at: Timestamp,
});

export type Topology = z.infer<typeof Topology>;
export type SwarmTopologyEvent = z.infer<typeof SwarmTopologyEvent>;
export type SwarmPresenceEvent = z.infer<typeof SwarmPresenceEvent>;
export type Quorum = z.infer<typeof Quorum>;
export type SwarmProposalEvent = z.infer<typeof SwarmProposalEvent>;
export type ConsensusOutcome = z.infer<typeof ConsensusOutcome>;
export type ConsensusReason = z.infer<typeof ConsensusReason>;
export type SwarmConsensusEvent = z.infer<typeof SwarmConsensusEvent>;
export type VoteRequest = z.infer<typeof VoteRequest>;
export type VoteReceipt = z.infer<typeof VoteReceipt>;

/** What the publish methods take: the payload, with `at` filled in when left out. */
export type SwarmPresenceInput = Input<SwarmPresenceEvent>;
/** `version` defaults to one more than the last version this server published for the swarm. */
export type SwarmTopologyInput = Omit<Input<SwarmTopologyEvent>, 'version'> & { version?: number };
export type SwarmConsensusInput = Input<SwarmConsensusEvent>;
