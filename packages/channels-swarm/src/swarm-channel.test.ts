import type { WSClient } from '@switchboard/client';
import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { collect, type Hub, harness } from '@switchboard/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import type { SwarmConsensusEvent, SwarmPresenceEvent, SwarmTopologyEvent } from './schemas.ts';
import { SwarmChannelClient } from './swarm-channel-client.ts';
import { SwarmChannelServer } from './swarm-channel-server.ts';

const h = harness();
const servers: SwarmChannelServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.close();
  await h.closeAll();
});

async function setup() {
  const hub = await h.start();
  const swarm = new SwarmChannelServer(hub.router, { presence: hub.server });
  servers.push(swarm);
  const dashboard = new SwarmChannelClient(await h.connect(hub, 'coordinator'));
  await dashboard.subscribeToSwarm('s1');
  return { hub, swarm, dashboard };
}

async function agent(hub: Hub, id: string, options = {}) {
  const client = await h.connect(hub, id, options);
  return { client, swarm: new SwarmChannelClient(client) };
}

const vote = (swarmId: string, proposalId: string, choice: string) => ({
  swarmId,
  proposalId,
  choice,
});

describe('topology and presence', () => {
  it('round-trips topology changes with increasing versions', async () => {
    const { swarm, dashboard } = await setup();
    const changes = collect<SwarmTopologyEvent>(
      (push) => dashboard.listen('topology-change:s1', push),
      2,
    );
    await swarm.publishTopologyChange({ swarmId: 's1', topology: 'mesh', agents: ['agent-1'] });
    await swarm.publishTopologyChange({
      swarmId: 's1',
      topology: 'star',
      agents: ['agent-1', 'agent-2'],
    });
    expect((await changes).map((c) => [c.topology, c.version, c.agents.length])).toEqual([
      ['mesh', 1, 1],
      ['star', 2, 2],
    ]);
    await expect(
      swarm.publishTopologyChange({ swarmId: 's1', topology: 'ring', agents: [], version: 2 }),
    ).rejects.toMatchObject({ code: ErrorCode.INVALID_MESSAGE, details: { field: 'version' } });
  });

  it('publishes joined on connect and left when the last connection of a principal closes', async () => {
    const { hub, swarm, dashboard } = await setup();
    const events: string[] = [];
    dashboard.on('presence', (e) => events.push(`${e.agentId}:${e.event}`));

    const joined = new Promise((resolve) => dashboard.once('presence', resolve));
    const first = await agent(hub, 'agent-1');
    expect(await joined).toMatchObject({ swarmId: 's1', agentId: 'agent-1', event: 'joined' });
    // A second connection of the same agent: still one member, no second "joined".
    const second = await agent(hub, 'agent-1');
    expect(swarm.members('s1')).toEqual(['agent-1']);
    await first.client.disconnect();
    await expect.poll(() => hub.server.getConnectedClients().length).toBe(2);

    const left = new Promise<SwarmPresenceEvent>((resolve) => dashboard.once('presence', resolve));
    await second.client.disconnect();
    expect(await left).toMatchObject({ agentId: 'agent-1', event: 'left' });
    expect(events).toEqual(['agent-1:joined', 'agent-1:left']);
    expect(swarm.members('s1')).toEqual([]);
  });

  it('publishes left when a connection drops without a close handshake', async () => {
    const { hub, dashboard } = await setup();
    const joined = new Promise((resolve) => dashboard.once('presence', resolve));
    const { client } = await agent(hub, 'agent-2', { reconnect: false });
    await joined;
    const left = new Promise<SwarmPresenceEvent>((resolve) => dashboard.once('presence', resolve));
    // The TCP connection dies: no close frame, as when the agent's process is killed.
    hub.server.getConnection(client.connectionId!)!.socket.terminate();
    const event = await left;
    expect(event).toMatchObject({ agentId: 'agent-2', event: 'left' });
    expect(event.reason).toContain('1006');
  });

  it('principals without a swarm (the coordinator) have no presence; swarmOf can map others', async () => {
    const hub = await h.start();
    const swarm = new SwarmChannelServer(hub.router, {
      presence: hub.server,
      swarmOf: (principal) => (principal.id === 'coordinator' ? ['ops', 's1'] : undefined),
    });
    servers.push(swarm);
    const watcher = new SwarmChannelClient(await h.connect(hub, 'coordinator'));
    await expect.poll(() => swarm.members('ops')).toEqual(['coordinator']);
    expect(swarm.members('s1')).toEqual(['coordinator']);
    // The retained presence of each swarm, replayed to a late subscriber.
    const presence: string[] = [];
    watcher.on('presence', (e) => presence.push(`${e.swarmId}:${e.agentId}:${e.event}`));
    await watcher.subscribeAll({ kinds: ['presence'], since: 'last' });
    expect(presence.sort()).toEqual(['ops:coordinator:joined', 's1:coordinator:joined']);
    // agent-1's principal says swarmId "s1", but this swarmOf does not count it.
    await agent(hub, 'agent-1');
    expect(swarm.members('s1')).toEqual(['coordinator']);
  });
});

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

  it('an agent cannot vote as another: the voter is the principal, a voter field is ignored', async () => {
    const { hub, swarm } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const a2 = await agent(hub, 'agent-2');
    await swarm.propose({
      swarmId: 's1',
      proposalId: 'p1',
      subject: 'x',
      voters: ['agent-1', 'agent-2', 'agent-3'],
    });
    const receipt = await a1.client.request('swarm.vote', {
      ...vote('s1', 'p1', 'reject'),
      voter: 'agent-2',
      voterId: 'agent-2',
    });
    expect(receipt).toMatchObject({ voterId: 'agent-1', choice: 'reject' });
    // agent-2 has not voted, so it still can; the legacy 4th argument is ignored too.
    await a2.swarm.submitVote('s1', 'p1', 'reject', 'agent-3');
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
    await expect(swarm.publishConsensus(forged as SwarmConsensusEvent)).rejects.toMatchObject({
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

describe('waitForConsensus', () => {
  it('resolves with a result published before the call, and cleans up', async () => {
    const { hub, swarm } = await setup();
    const a1 = await agent(hub, 'agent-1');
    await swarm.propose({ swarmId: 's1', proposalId: 'p1', subject: 'x', voters: ['agent-1'] });
    await a1.swarm.submitVote('s1', 'p1', 'approve');
    const listeners = a1.client.listenerCount('event');
    const result = await a1.swarm.waitForConsensus('s1', 'p1', 5_000);
    expect(result).toMatchObject({ outcome: 'approved', reason: 'quorum' });
    expectClean(hub, a1.client, listeners);
  });

  it('rejects with TIMEOUT, and cleans up', async () => {
    const { hub } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const listeners = a1.client.listenerCount('event');
    const error = await a1.swarm.waitForConsensus('s1', 'never', 50).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.TIMEOUT, name: 'SwitchboardError' });
    expectClean(hub, a1.client, listeners);
  });

  it('rejects with FORBIDDEN when the principal may not read the swarm', async () => {
    const { hub } = await setup();
    const a1 = await agent(hub, 'agent-1');
    const listeners = a1.client.listenerCount('event');
    const error = (await a1.swarm
      .waitForConsensus('s2', 'p1', 5_000)
      .catch((e: unknown) => e)) as SwitchboardError;
    expect(error.code).toBe(ErrorCode.FORBIDDEN);
    expectClean(hub, a1.client, listeners);
  });
});

describe('receiving', () => {
  it('drops invalid events and emits error naming the field', async () => {
    const { hub, dashboard } = await setup();
    const error = new Promise<SwitchboardError>((resolve) => dashboard.once('error', resolve));
    await hub.router.publish('swarm.s1.topology', {
      swarmId: 's1',
      topology: 'blob',
      agents: [],
      version: 1,
      at: 1,
    });
    expect(await error).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'topology', topic: 'swarm.s1.topology' },
    });
    const mismatch = new Promise<SwitchboardError>((resolve) => dashboard.once('error', resolve));
    await hub.router.publish('swarm.s1.presence', {
      swarmId: 's2',
      agentId: 'a',
      event: 'joined',
      at: 1,
    });
    expect(await mismatch).toMatchObject({ details: { field: 'swarmId' } });
  });

  it('refuses a result whose proposalId disagrees with its topic, and emits the valid one', async () => {
    const { hub, dashboard } = await setup();
    const results: string[] = [];
    dashboard.on('consensus:s1', (result, meta) =>
      results.push(`${result.proposalId} ${meta.topic}`),
    );
    const result = (proposalId: string) => ({
      swarmId: 's1',
      proposalId,
      outcome: 'approved',
      tally: {},
      votes: {},
      decidedAt: 1,
      reason: 'quorum',
      at: 1,
    });
    const mismatch = new Promise<SwitchboardError>((resolve) => dashboard.once('error', resolve));
    await hub.router.publish('swarm.s1.consensus.p1', result('p2'));
    expect(await mismatch).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'proposalId', topic: 'swarm.s1.consensus.p1' },
    });
    const valid = new Promise((resolve) => dashboard.once('consensus', resolve));
    await hub.router.publish('swarm.s1.consensus.p1', result('p1'));
    await valid;
    expect(results).toEqual(['p1 swarm.s1.consensus.p1']);
  });

  it('subscribeToSwarm takes one swarm id: "*" and bad ids get INVALID_TOPIC naming swarmId', async () => {
    const { hub } = await setup();
    const { swarm } = await agent(hub, 'agent-1');
    for (const swarmId of ['*', 's.1', '']) {
      await expect(swarm.subscribeToSwarm(swarmId)).rejects.toMatchObject({
        code: ErrorCode.INVALID_TOPIC,
        details: { field: 'swarmId' },
      });
    }
  });
});

function expectClean(hub: Hub, client: WSClient, listeners: number): void {
  expect(client.listenerCount('event')).toBe(listeners);
  expect(client.subscriptions.size).toBe(0);
  expect(hub.router.getSubscriptions(client.connectionId!)).toEqual([]);
}
