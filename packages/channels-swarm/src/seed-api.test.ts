import { ErrorCode } from '@switchboard/protocol';
import { collect } from '@switchboard/test-utils';
import { describe, expect, it } from 'vitest';
import type { SwarmConsensusEvent, SwarmProposalEvent, SwarmTopologyEvent } from './schemas.ts';
import { SwarmChannelClient } from './swarm-channel-client.ts';
import { SwarmChannelServer } from './swarm-channel-server.ts';
import { useSwarmHub } from './test-support/swarm-hub.ts';

// Calls as the seed API (`@claude-flow/realtime`) documents them, through a real hub.
const { h, setup, track, agent } = useSwarmHub();

/** The seed README's hub: any connection with the right token, named after the connection. */
async function seedHub(options: ConstructorParameters<typeof SwarmChannelServer>[1] = {}) {
  const hub = await h.start({ authenticate: async (token) => token === 'valid-token' });
  const swarmServer = track(new SwarmChannelServer(hub.router, options));
  const connect = async () => new SwarmChannelClient(await h.connect(hub, 'valid-token'));
  return { hub, swarmServer, connect };
}

describe('the seed API of the swarm channel', () => {
  it('publishTopologyChange with oldTopology / newTopology / timestamp', async () => {
    const { swarm, dashboard } = await setup();
    const change = new Promise<SwarmTopologyEvent>((resolve) =>
      dashboard.once('topology-change:s1', resolve),
    );
    await swarm.publishTopologyChange({
      swarmId: 's1',
      oldTopology: 'mesh',
      newTopology: 'hierarchical',
      timestamp: 1_700_000_000_000,
    });
    expect(await change).toMatchObject({
      swarmId: 's1',
      oldTopology: 'mesh',
      newTopology: 'hierarchical',
      previous: 'mesh',
      topology: 'hierarchical',
      timestamp: 1_700_000_000_000,
      at: 1_700_000_000_000,
      version: 1,
      agents: [],
    });
  });

  it('publishConsensus({ type: "proposed" }) opens a round over the swarm members', async () => {
    const { hub, swarm, dashboard } = await setup();
    await agent(hub, 'agent-1'); // present in s1 (its principal's swarmId)
    const proposed = new Promise<SwarmProposalEvent>((resolve) =>
      dashboard.once('proposal:s1', resolve),
    );
    await swarm.publishConsensus({
      swarmId: 's1',
      proposalId: 'prop-1',
      type: 'proposed',
      proposal: { action: 'scale-up' },
      timestamp: 5,
    });
    expect(await proposed).toMatchObject({
      proposalId: 'prop-1',
      type: 'proposed',
      proposal: { action: 'scale-up' },
      subject: 'scale-up',
      choices: ['yes', 'no', 'abstain'],
      voters: ['agent-1'],
      quorum: { rule: 'majority' },
      timestamp: 5,
    });
    expect(swarm.getProposal('s1', 'prop-1')?.result).toBeUndefined();
  });

  it('submitVote(swarm, proposal, "yes", "agent-1") then waitForConsensus: result.result.accepted', async () => {
    const { hub, swarm } = await setup();
    const { swarm: agentChannel } = await agent(hub, 'agent-1');
    await agentChannel.subscribeToSwarm('s1');
    await swarm.publishConsensus({
      swarmId: 's1',
      proposalId: 'prop-1',
      type: 'proposed',
      proposal: { action: 'scale-up' },
      timestamp: Date.now(),
    });
    await agentChannel.submitVote('s1', 'prop-1', 'yes', 'agent-1');
    const result = await agentChannel.waitForConsensus('s1', 'prop-1');
    expect(result.result?.accepted).toBe(true);
    expect(result).toMatchObject({
      type: 'accepted',
      outcome: 'approved',
      winner: 'yes',
      result: { accepted: true, votesFor: 1, votesAgainst: 0, abstentions: 0 },
      votes: { 'agent-1': 'yes' },
    });
    expect(typeof result.timestamp).toBe('number');
    // A vote once the proposal is decided is refused, clearly.
    await expect(agentChannel.submitVote('s1', 'prop-1', 'no', 'agent-1')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
  });

  it('on a connection authenticate did not name, the voter argument names the voter, once', async () => {
    const { swarmServer, connect } = await seedHub();
    const coordinator = await connect();
    await coordinator.subscribeToSwarm('swarm-1');
    for (const agentId of ['agent-1', 'agent-2']) {
      await swarmServer.publishAgentJoined({ swarmId: 'swarm-1', agentId });
    }
    await swarmServer.publishConsensus({
      swarmId: 'swarm-1',
      proposalId: 'prop-1',
      type: 'proposed',
      proposal: { action: 'scale-up' },
      timestamp: Date.now(),
    });
    const [one, two] = [await connect(), await connect()];
    await one.submitVote('swarm-1', 'prop-1', 'yes', 'agent-1');
    // The same connection cannot vote under a second name ...
    await expect(one.submitVote('swarm-1', 'prop-1', 'yes', 'agent-2')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'voter-mismatch', voterId: 'agent-1' },
    });
    // ... and a name outside the swarm's members is not eligible.
    await expect(two.submitVote('swarm-1', 'prop-1', 'yes', 'agent-9')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'not-eligible' },
    });
    await two.submitVote('swarm-1', 'prop-1', 'no', 'agent-2');
    const result = await coordinator.waitForConsensus('swarm-1', 'prop-1', 30000);
    expect(result).toMatchObject({
      outcome: 'no-quorum',
      reason: 'all-voted',
      type: 'rejected',
      votes: { 'agent-1': 'yes', 'agent-2': 'no' },
      result: { accepted: false, votesFor: 1, votesAgainst: 1, abstentions: 0 },
    });
  });

  it('with voterNames: "never", an unnamed connection votes as itself only', async () => {
    const { swarmServer, connect } = await seedHub({ voterNames: 'never' });
    await swarmServer.publishAgentJoined({ swarmId: 'swarm-1', agentId: 'agent-1' });
    await swarmServer.publishConsensus({ swarmId: 'swarm-1', proposalId: 'p', type: 'proposed' });
    const voter = await connect();
    await expect(voter.submitVote('swarm-1', 'p', 'yes', 'agent-1')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { reason: 'voter-mismatch' },
    });
  });

  it('an open vote (no members known): anyone votes once, the deadline decides, one result', async () => {
    // Long enough for three votes on a busy machine; the test waits for the result, not the time.
    const { swarmServer, connect } = await seedHub({ defaultDeadlineMs: 2_000 });
    const watcher = await connect();
    await watcher.subscribeToSwarm('swarm-1', { kinds: ['consensus'] });
    const results = collect<SwarmConsensusEvent>((push) => watcher.listen('consensus', push), 1);
    await swarmServer.publishConsensus({
      swarmId: 'swarm-1',
      proposalId: 'open-1',
      type: 'proposed',
      proposal: 'rotate keys',
    });
    expect(swarmServer.getProposal('swarm-1', 'open-1')?.proposal).toMatchObject({
      voters: [],
      subject: 'rotate keys',
    });
    const voters = [await connect(), await connect(), await connect()];
    await voters[0]!.submitVote('swarm-1', 'open-1', 'yes', 'a');
    await voters[1]!.submitVote('swarm-1', 'open-1', 'approve', 'b'); // ours: the same vote
    await voters[2]!.submitVote('swarm-1', 'open-1', 'abstain', 'c');
    await expect(voters[0]!.submitVote('swarm-1', 'open-1', 'no')).rejects.toMatchObject({
      details: { reason: 'already-voted' },
    });
    const [result] = await results;
    expect(result).toMatchObject({
      outcome: 'approved',
      reason: 'deadline',
      votes: { a: 'yes', b: 'yes', c: 'abstain' },
      result: { accepted: true, votesFor: 2, votesAgainst: 0, abstentions: 1 },
    });
    const late = await connect();
    await expect(late.submitVote('swarm-1', 'open-1', 'no', 'd')).rejects.toMatchObject({
      code: ErrorCode.TIMEOUT,
      details: { reason: 'deadline-passed' },
    });
  });

  it('submitVote on a proposal that was never opened: NOT_FOUND saying so', async () => {
    const { hub } = await setup();
    const { swarm: voter } = await agent(hub, 'agent-1');
    await expect(voter.submitVote('s1', 'prop-1', 'yes', 'agent-1')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      message: expect.stringContaining('No open proposal "prop-1"'),
      details: { field: 'proposalId' },
    });
  });

  it('seed votes on our proposals: yes/no are approve/reject', async () => {
    const { hub, swarm, dashboard } = await setup();
    const voters = ['agent-1', 'agent-2', 'agent-3'];
    await swarm.propose({ swarmId: 's1', proposalId: 'p1', subject: 'x', voters });
    for (const id of voters.slice(0, 2))
      await (await agent(hub, id)).swarm.submitVote('s1', 'p1', 'no', id);
    expect(await dashboard.waitForConsensus('s1', 'p1', 5_000)).toMatchObject({
      outcome: 'rejected',
      winner: 'reject',
      type: 'rejected',
      result: { accepted: false, votesFor: 0, votesAgainst: 2 },
    });
  });

  it('a seed-style result (type, result, votes as a list) is a result decided elsewhere', async () => {
    const { swarm, dashboard } = await setup();
    const received = dashboard.waitForConsensus('s1', 'ext', 5_000);
    await swarm.publishConsensus({
      swarmId: 's1',
      proposalId: 'ext',
      type: 'accepted',
      votes: [
        { agentId: 'agent-1', vote: 'yes' },
        { agentId: 'agent-2', vote: 'abstain' },
      ],
      timestamp: 11,
    });
    expect(await received).toMatchObject({
      outcome: 'approved',
      type: 'accepted',
      votes: { 'agent-1': 'yes', 'agent-2': 'abstain' },
      tally: { yes: 1, no: 0, abstain: 1 },
      result: { accepted: true, votesFor: 1, votesAgainst: 0, abstentions: 1 },
      at: 11,
      timestamp: 11,
    });
    await expect(
      swarm.publishConsensus({ swarmId: 's1', proposalId: 'x', type: 'voting' as 'accepted' }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'type' } });
  });

  it('agent joined / left events: publishAgentJoined and presence, as agent-joined / agent-left', async () => {
    const { hub, swarm, dashboard } = await setup();
    const seen: string[] = [];
    dashboard.on('agent-joined', (e) => seen.push(`joined ${e.agentId} ${e.role ?? '-'}`));
    dashboard.on('agent-left:s1', (e) => seen.push(`left ${e.agentId} ${e.reason}`));
    const joined = new Promise((resolve) => dashboard.once('agent-joined:s1', resolve));
    await swarm.publishAgentJoined({
      swarmId: 's1',
      agentId: 'worker-7',
      role: 'coder',
      timestamp: 1,
    });
    expect(await joined).toMatchObject({ agentId: 'worker-7', event: 'joined', timestamp: 1 });
    expect(swarm.members('s1')).toEqual(['worker-7']);
    const { client } = await agent(hub, 'agent-1');
    await expect.poll(() => seen).toContain('joined agent-1 -');
    await swarm.publishAgentLeft({ swarmId: 's1', agentId: 'worker-7', reason: 'done' });
    await client.disconnect();
    await expect.poll(() => seen.filter((s) => s.startsWith('left')).length).toBe(2);
    expect(seen).toContain('left worker-7 done');
    expect(swarm.members('s1')).toEqual([]);
  });

  it('getSubscribedSwarms lists the swarms subscribed one by one', async () => {
    const { dashboard } = await setup();
    await dashboard.subscribeToSwarm('s2', { kinds: ['topology'] });
    expect(dashboard.getSubscribedSwarms().sort()).toEqual(['s1', 's2']);
  });

  it('coordination events', async () => {
    const { swarm, dashboard } = await setup();
    const event = new Promise((resolve) => dashboard.once('coordination:s1', resolve));
    await swarm.publishCoordination({
      swarmId: 's1',
      type: 'task-assignment',
      data: { taskId: 'task-1', agentId: 'agent-1' },
      timestamp: 3,
    });
    expect(await event).toMatchObject({
      type: 'task-assignment',
      data: { taskId: 'task-1', agentId: 'agent-1' },
      at: 3,
    });
  });
});
