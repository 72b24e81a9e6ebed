import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { SwarmConsensusEvent } from './schemas.ts';
import { SwarmChannelServer } from './swarm-channel-server.ts';
import { useSwarmHub } from './test-support/swarm-hub.ts';

// consensus: 'log' on one node: the same contract as the in-memory tally, derived from the
// log. Several nodes on Redis: packages/redis/test/cluster-consensus.test.ts.
const { setup, agent } = useSwarmHub();

describe("consensus: 'log'", () => {
  it('decides once from the log; a second vote and a late vote are refused', async () => {
    const { hub, swarm, dashboard } = await setup({ consensus: 'log' });
    const results: SwarmConsensusEvent[] = [];
    dashboard.on('consensus', (result) => results.push(result));
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    const a3 = await agent(hub, 'agent-3');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'scale up',
      voters: ['agent-1', 'agent-2', 'agent-3'],
      deadlineMs: 10_000,
    });
    expect(swarm.getProposal('s1', 'p1')?.result).toBeUndefined();
    expect(await a1.swarm.submitVote('s1', 'p1', 'approve')).toMatchObject({
      voterId: 'agent-1',
      choice: 'approve',
    });
    await expect(a1.swarm.submitVote('s1', 'p1', 'reject')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'already-voted' },
    });
    await a2.swarm.submitVote('s1', 'p1', 'yes');
    await expect(a3.swarm.submitVote('s1', 'p1', 'reject')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'decided' },
    });
    const result = await a3.swarm.waitForConsensus('s1', 'p1', 5_000);
    expect(result).toMatchObject({
      outcome: 'approved',
      reason: 'quorum',
      votes: { 'agent-1': 'approve', 'agent-2': 'approve' },
    });
    expect(swarm.getProposal('s1', 'p1')?.result).toEqual(result);
    await expect(
      swarm.publishConsensus({ ...result, outcome: 'rejected' } as never),
    ).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, details: { reason: 'managed' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(results).toHaveLength(1);
  });

  it('refuses voters not listed, unknown proposals and a proposal id used twice', async () => {
    const { hub, swarm } = await setup({ consensus: 'log' });
    const a1 = await agent(hub, 'agent-1');
    const a4 = await agent(hub, 'agent-4');
    await swarm.propose({ swarmId: 's1', proposalId: 'p2', subject: 's', voters: ['agent-1'] });
    await expect(a4.swarm.submitVote('s1', 'p2', 'approve')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'not-eligible' },
    });
    await expect(a1.swarm.submitVote('s1', 'nope', 'approve')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(
      swarm.propose({ swarmId: 's1', proposalId: 'p2', subject: 's', voters: ['agent-1'] }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'proposalId' } });
    await expect(a1.swarm.submitVote('s1', 'p2', 'maybe')).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'choice' },
    });
  });

  it('closes at the deadline: the votes before it, none after', async () => {
    const { hub, swarm } = await setup({ consensus: 'log' });
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p3',
      subject: 's',
      voters: ['agent-1', 'agent-2', 'agent-3'],
      deadlineMs: 300,
    });
    await a1.swarm.submitVote('s1', 'p3', 'reject');
    const result = await a2.swarm.waitForConsensus('s1', 'p3', 5_000);
    expect(result).toMatchObject({ reason: 'deadline', votes: { 'agent-1': 'reject' } });
    await expect(a2.swarm.submitVote('s1', 'p3', 'approve')).rejects.toMatchObject({
      code: ErrorCode.TIMEOUT,
      details: { reason: 'deadline-passed' },
    });
  });

  it('needs a router with the published event, and a known consensus value', () => {
    const router = {
      publish: async () => ({ offset: 1, sequenceNumber: 1, epoch: 'e' }),
      route: () => () => {},
    };
    expect(() => new SwarmChannelServer(router, { consensus: 'log' })).toThrow(/published event/);
    expect(() => new SwarmChannelServer(router, { consensus: 'raft' as 'log' })).toThrow(
      /consensus/,
    );
    expect(
      () =>
        new SwarmChannelServer(router, {
          cluster: { nodeId: 'n', onNodeLeft: () => () => {} },
        }),
    ).toThrow(/published event/);
  });
});
