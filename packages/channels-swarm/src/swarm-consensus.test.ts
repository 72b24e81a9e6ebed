import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { SwarmConsensusEvent } from './schemas.ts';
import { useSwarmHub, vote } from './test-support/swarm-hub.ts';

// Consensus through a real hub: proposals, votes through the swarm.vote route, one result.
const { setup, agent } = useSwarmHub();

describe('consensus', () => {
  it('majority: decided as soon as it is reached; one result; later votes refused', async () => {
    const { hub, swarm, dashboard } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    const a3 = await agent(hub, 'agent-3');
    const proposals = new Promise((resolve) => a1.swarm.once('proposal', resolve));
    await a1.swarm.subscribeToSwarm('s1', { kinds: ['proposal'] });
    const results: SwarmConsensusEvent[] = [];
    dashboard.on('consensus', (result) => results.push(result));

    const proposal = await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'scale up',
      voters: ['agent-1', 'agent-2', 'agent-3'],
      quorum: { rule: 'majority' },
      deadlineMs: 10_000,
    });
    expect(proposal.choices).toEqual(['approve', 'reject']);
    expect(await proposals).toEqual(proposal);

    expect(await a1.swarm.submitVote('s1', 'p1', 'approve')).toMatchObject({
      voterId: 'agent-1',
      choice: 'approve',
    });
    const waiting = a3.swarm.waitForConsensus('s1', 'p1', 10_000);
    await a2.swarm.submitVote('s1', 'p1', 'approve');
    const result = await waiting;
    expect(result).toMatchObject({
      swarmId: 's1',
      proposalId: 'p1',
      outcome: 'approved',
      winner: 'approve',
      reason: 'quorum',
      tally: { approve: 2, reject: 0 },
      votes: { 'agent-1': 'approve', 'agent-2': 'approve' },
    });
    await expect(a3.swarm.submitVote('s1', 'p1', 'reject')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'decided' },
    });
    // Exactly one result on the wire.
    await expect.poll(() => results.length).toBe(1);
    await swarm.publishTopologyChange({ swarmId: 's1', topology: 'mesh', agents: [] });
    await new Promise((resolve) => dashboard.once('topology-change', resolve));
    expect(results).toEqual([result]);
  });

  it('unanimous: the first dissent rejects', async () => {
    const { hub, swarm } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'deploy',
      voters: ['agent-1', 'agent-2', 'agent-3'],
      quorum: { rule: 'unanimous' },
    });
    await a1.swarm.submitVote('s1', 'p1', 'approve');
    await a2.swarm.submitVote('s1', 'p1', 'reject');
    expect(await a1.swarm.waitForConsensus('s1', 'p1', 5_000)).toMatchObject({
      outcome: 'rejected',
      reason: 'quorum',
      tally: { approve: 1, reject: 1 },
    });
  });

  it('threshold: a fraction of the eligible voters, with custom choices', async () => {
    const { hub, swarm } = await setup();
    const voters = ['agent-1', 'agent-2', 'agent-3', 'agent-4'];
    const agents = await Promise.all(voters.map((id) => agent(hub, id)));
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'plan',
      subject: 'which plan',
      choices: ['a', 'b', 'c'],
      voters,
      quorum: { rule: 'threshold', threshold: 0.5 },
    });
    await agents[0]!.swarm.submitVote('s1', 'plan', 'b');
    await agents[1]!.swarm.submitVote('s1', 'plan', 'c');
    expect(swarm.getProposal('s1', 'plan')?.result).toBeUndefined();
    await agents[2]!.swarm.submitVote('s1', 'plan', 'b');
    expect(await agents[3]!.swarm.waitForConsensus('s1', 'plan', 5_000)).toMatchObject({
      outcome: 'approved',
      winner: 'b',
      tally: { a: 0, b: 2, c: 1 },
    });
  });

  it('refuses a second vote, a non-eligible voter, an unknown proposal and a bad choice', async () => {
    const { hub, swarm } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const a4 = await agent(hub, 'agent-4');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['agent-1', 'agent-2', 'agent-3'],
    });
    await a1.swarm.submitVote('s1', 'p1', 'reject');
    await expect(a1.swarm.submitVote('s1', 'p1', 'approve')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'already-voted', proposalId: 'p1' },
    });
    await expect(a4.swarm.submitVote('s1', 'p1', 'approve')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'not-eligible' },
    });
    await expect(a1.swarm.submitVote('s1', 'nope', 'approve')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(a1.swarm.submitVote('s2', 'p1', 'approve')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    const a2 = await agent(hub, 'agent-2');
    await expect(a2.swarm.submitVote('s1', 'p1', 'maybe')).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'choice' },
    });
    await expect(a2.swarm.submitVote('s1', 'p.1', 'approve')).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'proposalId' },
    });
    // The refused attempts left the tally alone.
    expect(swarm.getProposal('s1', 'p1')?.votes).toEqual({ 'agent-1': 'reject' });
  });

  it('at the deadline: no-quorum, published once; later votes get TIMEOUT', async () => {
    const { hub, swarm } = await setup();
    const a1 = await agent(hub, 'agent-1');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['agent-1', 'agent-2', 'agent-3'],
      // Long enough for the vote below to land first even on a loaded machine.
      deadlineMs: 500,
    });
    await a1.swarm.submitVote('s1', 'p1', 'approve');
    const result = await a1.swarm.waitForConsensus('s1', 'p1', 5_000);
    expect(result).toMatchObject({
      outcome: 'no-quorum',
      reason: 'deadline',
      tally: { approve: 1, reject: 0 },
    });
    const a2 = await agent(hub, 'agent-2');
    await expect(a2.swarm.submitVote('s1', 'p1', 'approve')).rejects.toMatchObject({
      code: ErrorCode.TIMEOUT,
      details: { reason: 'deadline-passed' },
    });
  });

  it('an agent cannot vote as another: the voter is the principal; naming another is FORBIDDEN', async () => {
    const { hub, swarm } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['agent-1', 'agent-2', 'agent-3'],
    });
    // A named principal's voter is itself: naming another is refused and counts nothing ...
    await expect(
      a1.client.request('swarm.vote', { ...vote('s1', 'p1', 'reject'), voterId: 'agent-2' }),
    ).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'voter-mismatch', voterId: 'agent-1' },
    });
    // ... an unknown field is refused, naming it, rather than ignored ...
    await expect(
      a1.client.request('swarm.vote', { ...vote('s1', 'p1', 'reject'), voter: 'agent-2' }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'voter' } });
    // ... and so is the seed API's fourth argument naming another (naming the caller is fine).
    await expect(a2.swarm.submitVote('s1', 'p1', 'reject', 'agent-3')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'voter-mismatch' },
    });
    expect(swarm.getProposal('s1', 'p1')?.votes).toEqual({});
    const receipt = await a1.client.request('swarm.vote', vote('s1', 'p1', 'reject'));
    expect(receipt).toMatchObject({ voterId: 'agent-1', choice: 'reject' });
    await a2.swarm.submitVote('s1', 'p1', 'reject', 'agent-2');
    expect(await a1.swarm.waitForConsensus('s1', 'p1', 5_000)).toMatchObject({
      outcome: 'rejected',
      votes: { 'agent-1': 'reject', 'agent-2': 'reject' },
    });
  });

  it('a forged result from an agent is refused with FORBIDDEN and reaches nobody', async () => {
    const { hub, swarm, dashboard } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    await a2.swarm.subscribeToSwarm('s1', { kinds: ['consensus'] });
    const seen: unknown[] = [];
    a2.client.on('event', (e) => seen.push(e.data));
    dashboard.on('consensus', (e) => seen.push(e));
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['agent-1', 'agent-2'],
    });
    const forged = {
      swarmId: 's1',
      proposalId: 'p1',
      outcome: 'approved',
      winner: 'approve',
      tally: { approve: 2, reject: 0 },
      votes: { 'agent-1': 'approve', 'agent-2': 'approve' },
      decidedAt: Date.now(),
      reason: 'quorum',
      at: Date.now(),
    };
    await expect(a1.client.publish('swarm.s1.consensus.p1', forged)).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    // The genuine result is the first and only one anybody sees.
    const genuine = a2.swarm.waitForConsensus('s1', 'p1', 5_000);
    await a1.swarm.submitVote('s1', 'p1', 'reject');
    await a2.swarm.submitVote('s1', 'p1', 'reject');
    expect(await genuine).toMatchObject({ outcome: 'rejected' });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([
      expect.objectContaining({ outcome: 'rejected' }),
      expect.objectContaining({ outcome: 'rejected' }),
    ]);
    // Nor can the coordinator's channel publish a second result for a tallied proposal.
    await expect(
      swarm.publishConsensus(forged as unknown as SwarmConsensusEvent),
    ).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'managed' },
    });
  });

  it('publishConsensus delivers a result decided elsewhere', async () => {
    const { swarm, dashboard } = await setup();
    const received = new Promise((resolve) => dashboard.once('consensus:s1', resolve));
    await swarm.publishConsensus({
      swarmId: 's1',
      proposalId: 'ext',
      outcome: 'no-quorum',
      tally: {},
      votes: {},
      decidedAt: 1,
      reason: 'deadline',
    });
    expect(await received).toMatchObject({ proposalId: 'ext', outcome: 'no-quorum' });
  });
});
