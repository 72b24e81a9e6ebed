import {
  SwarmChannelClient,
  SwarmChannelServer,
  type SwarmConsensusEvent,
  type SwarmPresenceEvent,
} from '@switchboard/channels-swarm';
import { WSClient } from '@switchboard/client';
import { SwitchboardError } from '@switchboard/protocol';
import type { WSServerOptions } from '@switchboard/server';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually } from './support/engines.ts';
import { hubFixture, type TestHub } from './support/hubs.ts';
import { NodeProcess } from './support/node-process.ts';
import { describeWithRedis, probeRedis, REDIS_URL } from './support/redis-service.ts';

const redis = await probeRedis();

const auth: WSServerOptions = { authenticate: (token) => ({ id: token, swarmId: 's1' }) };

describeWithRedis('consensus and presence across hub nodes, from the shared log', redis, () => {
  const hubs = hubFixture();
  const processes: NodeProcess[] = [];
  const channels: SwarmChannelServer[] = [];
  const clients: WSClient[] = [];

  afterEach(async () => {
    for (const channel of channels.splice(0)) channel.close();
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
    await Promise.all(processes.splice(0).map((node) => node.kill()));
    await hubs.closeAll();
  });

  async function node(keyPrefix: string): Promise<TestHub & { swarm: SwarmChannelServer }> {
    const hub = await hubs.startNode(keyPrefix, auth);
    const swarm = new SwarmChannelServer(hub.router, {
      consensus: 'log',
      presence: hub.server,
      cluster: hub.server.cluster,
    });
    channels.push(swarm);
    return { ...hub, swarm };
  }

  /** A client whose one URL leads wherever `target()` says (a load balancer, in effect). */
  async function agent(id: string, target: () => string) {
    class Steered extends WebSocket {
      constructor(_url: string, protocols?: string | string[]) {
        super(target(), protocols);
      }
    }
    const client = new WSClient({
      url: 'ws://hub.invalid',
      token: id,
      WebSocket: Steered,
      reconnectIntervalMs: 20,
      maxReconnectIntervalMs: 100,
    });
    clients.push(client);
    await client.connect();
    return { client, channel: new SwarmChannelClient(client) };
  }

  async function results(url: string) {
    const { channel } = await agent('dashboard', () => url);
    const got: SwarmConsensusEvent[] = [];
    channel.on('consensus', (result) => got.push(result));
    await channel.subscribeToSwarm('s1', { kinds: ['consensus'] });
    return got;
  }

  it('counts each principal once and publishes one result, the same everywhere, with a node killed mid-round', async () => {
    const keyPrefix = hubs.prefix();
    const a = await node(keyPrefix);
    const b = await node(keyPrefix);
    const c = await NodeProcess.start({ REDIS_URL, KEY_PREFIX: keyPrefix });
    processes.push(c);
    const onA = await results(a.server.url);
    const onB = await results(b.server.url);
    const v1 = await agent('v1', () => a.server.url);
    const v1again = await agent('v1', () => b.server.url);
    const v2 = await agent('v2', () => a.server.url);
    const v3 = await agent('v3', () => b.server.url);
    const v4 = await agent('v4', () => c.url);
    let v5Target = c.url;
    const v5 = await agent('v5', () => v5Target);

    const proposal = await a.swarm.propose({
      swarmId: 's1',
      subject: 'scale out',
      voters: ['v1', 'v2', 'v3', 'v4', 'v5'],
      quorum: { rule: 'majority' },
      deadlineMs: 60_000,
    });
    const { proposalId } = proposal;
    // Node C takes v4's vote, then dies without a word.
    expect(await v4.channel.submitVote('s1', proposalId, 'approve')).toMatchObject({
      voterId: 'v4',
    });
    await c.kill();
    // v1 votes through two nodes at once: one counts, the other is refused.
    const both = await Promise.allSettled([
      v1.channel.submitVote('s1', proposalId, 'reject'),
      v1again.channel.submitVote('s1', proposalId, 'approve'),
    ]);
    const accepted = both.filter((r) => r.status === 'fulfilled');
    expect(accepted).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(SwitchboardError);
    expect((refused.reason as SwitchboardError).details).toMatchObject({ reason: 'already-voted' });
    const v1Choice = (accepted[0] as PromiseFulfilledResult<{ choice: string }>).value.choice;
    await v3.channel.submitVote('s1', proposalId, 'reject');
    // v5 was on the dead node: it reconnects to B and votes there.
    v5Target = b.server.url;
    await eventually(() => expect(v5.client.isConnected).toBe(true));
    await v5.channel.submitVote('s1', proposalId, 'approve');
    // With v1 approve that is three approvals; otherwise 2-2, and v2 decides.
    if (v1Choice !== 'approve') await v2.channel.submitVote('s1', proposalId, 'approve');

    await eventually(() => expect(onA).toHaveLength(1));
    await eventually(() => expect(onB).toHaveLength(1));
    expect(onB[0]).toEqual(onA[0]);
    const result = onA[0]!;
    expect(result).toMatchObject({ outcome: 'approved', reason: 'quorum', proposalId });
    const voted =
      v1Choice === 'approve' ? ['v1', 'v3', 'v4', 'v5'] : ['v1', 'v2', 'v3', 'v4', 'v5'];
    expect(Object.keys(result.votes).sort()).toEqual(voted);
    expect(result.votes.v4).toBe('approve');
    expect(result.tally.approve).toBe(3);
    expect(a.swarm.getProposal('s1', proposalId)?.result).toEqual(result);
    expect(b.swarm.getProposal('s1', proposalId)?.result).toEqual(result);
    // Decided: a late vote on any node is refused.
    if (v1Choice === 'approve') {
      await expect(v2.channel.submitVote('s1', proposalId, 'reject')).rejects.toMatchObject({
        details: { reason: 'decided' },
      });
    }
    // Still exactly one result.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onA).toHaveLength(1);
    expect(onB).toHaveLength(1);
  });

  it('closes at the deadline with one result everywhere and never counts a later vote', async () => {
    const keyPrefix = hubs.prefix();
    const a = await node(keyPrefix);
    const b = await node(keyPrefix);
    const onA = await results(a.server.url);
    const onB = await results(b.server.url);
    const v1 = await agent('v1', () => a.server.url);
    const v2 = await agent('v2', () => b.server.url);
    const { proposalId } = await b.swarm.propose({
      swarmId: 's1',
      subject: 'short',
      voters: ['v1', 'v2', 'v3'],
      deadlineMs: 800,
    });
    await v1.channel.submitVote('s1', proposalId, 'approve');
    await eventually(() => expect(onA).toHaveLength(1));
    await expect(v2.channel.submitVote('s1', proposalId, 'approve')).rejects.toMatchObject({
      code: 'TIMEOUT',
      details: { reason: 'deadline-passed' },
    });
    await eventually(() => expect(onB).toHaveLength(1));
    expect(onB[0]).toEqual(onA[0]);
    expect(onA[0]).toMatchObject({ reason: 'deadline', votes: { v1: 'approve' } });
    expect(onA[0]!.votes.v2).toBeUndefined();
  });

  it('shows the members of every node, and reports those of a killed node as left once, within its heartbeat TTL', async () => {
    const keyPrefix = hubs.prefix();
    const a = await node(keyPrefix);
    const b = await node(keyPrefix);
    const c = await NodeProcess.start({ REDIS_URL, KEY_PREFIX: keyPrefix });
    processes.push(c);
    const { channel: dashboard } = await agent('dashboard', () => a.server.url);
    const seen: SwarmPresenceEvent[] = [];
    dashboard.on('presence', (event) => seen.push(event));
    await dashboard.subscribeToSwarm('s1', { kinds: ['presence'] });
    await agent('p1', () => a.server.url);
    const p2 = await agent('p2', () => b.server.url);
    await agent('p3', () => c.url);
    const everyone = ['dashboard', 'p1', 'p2', 'p3'];
    for (const hub of [a, b]) {
      await eventually(() => expect(hub.swarm.members('s1').sort()).toEqual(everyone));
    }
    await eventually(() =>
      expect(seen.find((e) => e.agentId === 'p3')).toMatchObject({
        event: 'joined',
        node: c.nodeId,
      }),
    );

    await c.kill();
    const killedAt = Date.now();
    await eventually(() =>
      expect(seen.filter((e) => e.agentId === 'p3' && e.event === 'left')).toHaveLength(1),
    );
    // nodeTtlMs 600 plus a heartbeat (100) of the node that notices, plus delivery.
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    expect(seen.find((e) => e.agentId === 'p3' && e.event === 'left')).toMatchObject({
      node: c.nodeId,
      reason: `node ${c.nodeId} left the cluster`,
    });
    for (const hub of [a, b]) {
      await eventually(() =>
        expect(hub.swarm.members('s1').sort()).toEqual(['dashboard', 'p1', 'p2']),
      );
    }
    // A member that disconnects is left once too, on every node.
    await p2.client.disconnect();
    await eventually(() =>
      expect(seen.filter((e) => e.agentId === 'p2' && e.event === 'left')).toHaveLength(1),
    );
    for (const hub of [a, b]) {
      await eventually(() => expect(hub.swarm.members('s1').sort()).toEqual(['dashboard', 'p1']));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.filter((e) => e.event === 'left').map((e) => e.agentId)).toEqual(['p3', 'p2']);
  });
});
