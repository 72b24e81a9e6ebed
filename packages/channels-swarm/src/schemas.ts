import {
  eventSchema,
  type Input,
  SegmentId,
  Timestamp,
  type Without,
} from '@switchboard/channels-core';
import { z } from 'zod';

/**
 * Payloads of the swarm topics and of the `swarm.vote` request. Every event payload carries
 * `at`, when the sender made it (ms), also as `timestamp`; fields the seed API
 * (`@claude-flow/realtime`) named differently go by both names (`topology`/`newTopology`,
 * `previous`/`oldTopology`). Unknown fields of events travel to subscribers (passthrough);
 * a vote request with a field it does not know is refused, naming it.
 */

const AT = { at: 'timestamp' } as const;

export const SwarmId = SegmentId.meta({ description: 'One topic segment, e.g. "s1".' });
export const ProposalId = SegmentId.meta({ description: 'One topic segment, unique per swarm.' });
/** A principal id as the hub authenticated it (not part of any topic). */
const PrincipalId = z.string().min(1);

/** Ours, and the seed API's `hierarchical-mesh` and `adaptive`. */
export const Topology = z.enum([
  'mesh',
  'hierarchical',
  'ring',
  'star',
  'hierarchical-mesh',
  'adaptive',
]);

/** `swarm.<swarmId>.topology` */
export const SwarmTopologyEvent = eventSchema(
  z.object({
    swarmId: SwarmId,
    /** The topology now; the seed API's `newTopology`. */
    topology: Topology,
    /** The topology before; the seed API's `oldTopology`. */
    previous: Topology.optional(),
    agents: z.array(PrincipalId).default([]),
    /** Increases with every change of the swarm's topology. */
    version: z.int().min(0),
    reason: z.string().optional(),
    at: Timestamp,
  }),
  { aliases: { ...AT, topology: 'newTopology', previous: 'oldTopology' } },
);

/** `swarm.<swarmId>.presence`; the client also emits it as `agent-joined` / `agent-left`. */
export const SwarmPresenceEvent = eventSchema(
  z.object({
    swarmId: SwarmId,
    agentId: PrincipalId,
    event: z.enum(['joined', 'left']),
    role: z.string().optional(),
    reason: z.string().optional(),
    at: Timestamp,
  }),
  { aliases: AT },
);

/** `swarm.<swarmId>.coordination`: task assignment, resource allocation, rebalancing ... */
export const SwarmCoordinationEvent = eventSchema(
  z.object({
    swarmId: SwarmId,
    /** What kind of coordination, e.g. the seed's `task-assignment`, `workload-balance`. */
    type: z.string().min(1),
    /** Any JSON value. */
    data: z.unknown().optional(),
    at: Timestamp,
  }),
  { aliases: AT },
);

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
export const SwarmProposalEvent = eventSchema(
  z.object({
    swarmId: SwarmId,
    proposalId: ProposalId,
    subject: z.string().min(1),
    choices: z
      .array(z.string().min(1))
      .min(2)
      .refine(distinct, 'choices must not repeat')
      .default(['approve', 'reject']),
    quorum: Quorum,
    /**
     * Principal ids allowed to vote, each once. Empty for an open vote (a seed-style
     * proposal in a swarm without known members): anyone may vote, the deadline decides.
     */
    voters: z.array(PrincipalId).refine(distinct, 'voters must not repeat'),
    /** When voting closes (ms since 1970). */
    deadline: Timestamp,
    /** The seed API's event type of a proposal. */
    type: z.literal('proposed').default('proposed'),
    /** The seed API's proposal body, as given. */
    proposal: z.unknown().optional(),
    at: Timestamp,
  }),
  { aliases: AT },
);

export const ConsensusOutcome = z.enum(['approved', 'rejected', 'no-quorum']);
export const ConsensusReason = z.enum(['quorum', 'deadline', 'all-voted']);

/**
 * The seed API's summary of a result: `accepted` is `outcome === 'approved'`; `votesFor`
 * counts the first choice (the "yes"), `votesAgainst` the others, `abstentions` the
 * `abstain` choice.
 */
export const ConsensusSummary = z.looseObject({
  accepted: z.boolean(),
  votesFor: z.int().min(0),
  votesAgainst: z.int().min(0),
  abstentions: z.int().min(0),
});

/** `swarm.<swarmId>.consensus.<proposalId>`: published once per proposal. */
export const SwarmConsensusEvent = eventSchema(
  z.object({
    swarmId: SwarmId,
    proposalId: ProposalId,
    outcome: ConsensusOutcome,
    /** The choice that reached the quorum, when one did. */
    winner: z.string().optional(),
    /** Votes per choice, every choice listed (in the proposal's order). */
    tally: z.record(z.string(), z.int().min(0)),
    /** Choice per voter (principal id). */
    votes: z.record(z.string(), z.string()),
    decidedAt: Timestamp,
    reason: ConsensusReason,
    /** The seed API's event type of a result: `accepted` when approved, else `rejected`. */
    type: z.enum(['accepted', 'rejected']).optional(),
    /** The seed API's summary; filled in from `outcome` and `tally` when not given. */
    result: ConsensusSummary.optional(),
    at: Timestamp,
  }),
  { aliases: AT, derive: summarize },
);

/** Fills in the seed API's `type` and `result` of a consensus event. */
function summarize(event: {
  outcome: string;
  tally: Record<string, number>;
  type?: 'accepted' | 'rejected' | undefined;
  result?: z.infer<typeof ConsensusSummary> | undefined;
}): void {
  const accepted = event.outcome === 'approved';
  event.type ??= accepted ? 'accepted' : 'rejected';
  if (event.result !== undefined) return;
  const counts = Object.entries(event.tally);
  const abstentions = event.tally[ABSTAIN] ?? 0;
  const candidates = counts.filter(([choice]) => choice !== ABSTAIN);
  const votesFor = candidates[0]?.[1] ?? 0;
  const cast = candidates.reduce((sum, [, count]) => sum + count, 0);
  event.result = { accepted, votesFor, votesAgainst: cast - votesFor, abstentions };
}

/** A choice that counts as a vote cast but never wins (the seed API's third vote). */
export const ABSTAIN = 'abstain';

/**
 * Data of the `swarm.vote` request. The voter is the caller's principal; `voterId` (the seed
 * API's fourth argument of `submitVote`) must name it, see the README. Unknown fields are
 * refused, naming the field, so a misspelt one is never silently ignored.
 */
export const VoteRequest = z.strictObject({
  swarmId: SwarmId,
  proposalId: ProposalId,
  choice: z.string().min(1),
  voterId: z.string().min(1).optional(),
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
export type SwarmCoordinationEvent = z.infer<typeof SwarmCoordinationEvent>;
export type ConsensusSummary = z.infer<typeof ConsensusSummary>;
export type SwarmPresenceEvent = z.infer<typeof SwarmPresenceEvent>;
export type Quorum = z.infer<typeof Quorum>;
export type SwarmProposalEvent = z.infer<typeof SwarmProposalEvent>;
export type ConsensusOutcome = z.infer<typeof ConsensusOutcome>;
export type ConsensusReason = z.infer<typeof ConsensusReason>;
export type SwarmConsensusEvent = z.infer<typeof SwarmConsensusEvent>;
export type VoteRequest = z.infer<typeof VoteRequest>;
export type VoteReceipt = z.infer<typeof VoteReceipt>;

/** What the publish methods take: the payload, with `at` (or `timestamp`) filled in when left out. */
export type SwarmPresenceInput = Input<z.input<typeof SwarmPresenceEvent>>;
export type SwarmCoordinationInput = Input<z.input<typeof SwarmCoordinationEvent>>;
/**
 * `version` defaults to one more than the last version this server published for the swarm,
 * `previous` to the last topology, `agents` to the swarm's members.
 */
export type SwarmTopologyInput = Without<Input<z.input<typeof SwarmTopologyEvent>>, 'version'> & {
  version?: number;
};
export type SwarmConsensusInput = Input<z.input<typeof SwarmConsensusEvent>>;
