import type { WSClient } from '@switchboard/client';
import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { collect, type Hub } from '@switchboard/test-utils';
import { describe, expect, it } from 'vitest';
import type { SwarmPresenceEvent, SwarmTopologyEvent } from './schemas.ts';
import { SwarmChannelClient } from './swarm-channel-client.ts';
import { SwarmChannelServer } from './swarm-channel-server.ts';
import { useSwarmHub } from './test-support/swarm-hub.ts';

const { h, setup, agent, track } = useSwarmHub();

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
    track(swarm);
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
