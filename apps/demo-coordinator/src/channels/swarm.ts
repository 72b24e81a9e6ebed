import { SwarmChannelClient, type SwarmChannelServer } from '@switchboard/channels-swarm';
import type { WSClient } from '@switchboard/client';
import { SwitchboardError } from '@switchboard/protocol';
import type { SwarmLeaderPort, SwarmVoterPort } from './ports.ts';

/** An agent's side: proposals it may vote on, and its votes (the hub knows who is voting). */
export function swarmVoter(client: WSClient, swarmId: string, onError: (e: unknown) => void) {
  const channel = new SwarmChannelClient(client);
  channel.on('error', onError);
  const port: SwarmVoterPort = {
    onProposal: (listener) =>
      channel.listen('proposal', (proposal, meta) => {
        if (!meta.replay && proposal.swarmId === swarmId) listener(proposal);
      }),
    async vote(proposalId, choice) {
      try {
        await channel.submitVote(swarmId, proposalId, choice);
      } catch (error) {
        // The hub decides as soon as a choice has its quorum; later votes are refused.
        if (isLateVote(error)) return;
        throw error;
      }
    },
    close() {
      channel.close().catch(() => {});
    },
  };
  return { port, ready: () => channel.subscribeToSwarm(swarmId, { kinds: ['proposal'] }) };
}

/**
 * The coordinator's side. Proposals and topology changes go through the hub-side
 * `SwarmChannelServer`, which tallies the votes and is the only publisher of `swarm.*`
 * topics; the result is awaited like any client would, with `waitForConsensus`.
 */
export function swarmLeader(
  client: WSClient,
  server: SwarmChannelServer,
  swarmId: string,
  onError: (e: unknown) => void,
): SwarmLeaderPort {
  const channel = new SwarmChannelClient(client);
  channel.on('error', onError);
  const port: SwarmLeaderPort = {
    async propose(input) {
      await server.propose({ swarmId, quorum: { rule: 'majority' }, ...input });
    },
    waitForConsensus: (proposalId, timeoutMs) =>
      channel.waitForConsensus(swarmId, proposalId, timeoutMs),
    async publishTopology(input) {
      await server.publishTopologyChange({ swarmId, ...input });
    },
    members: () => server.members(swarmId),
    close() {
      channel.close().catch(() => {});
    },
  };
  return port;
}

function isLateVote(error: unknown): boolean {
  if (!(error instanceof SwitchboardError)) return false;
  const reason = error.details?.reason;
  return reason === 'decided' || reason === 'deadline-passed';
}
