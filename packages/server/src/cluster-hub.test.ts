import { CloseCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { type ClusterBus, LocalClusterBus } from './cluster-bus.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { WSServer } from './ws-server.ts';

const { hub, welcomed, identified } = useHubFixture();
const byToken = (token: string) => ({ id: token.split(':')[0]! });

describe('server.cluster on one node (LocalClusterBus)', () => {
  it('is a cluster of this node: the same calls, answered here', async () => {
    const { url, server } = await hub({ authenticate: byToken });
    const alice = await welcomed(url, 'alice:1');
    const bob = await welcomed(url, 'bob:1');
    const ids = server.getConnectedClientIds();
    expect(await server.cluster.nodes()).toEqual([server.cluster.nodeId]);

    expect(await server.cluster.broadcast({ type: 'notice' })).toEqual({ sent: 2, missing: [] });
    for (const peer of [alice, bob]) {
      expect(await peer.next('message')).toMatchObject({ data: { type: 'notice' } });
    }
    const clients = await server.cluster.getConnectedClients();
    expect(clients.map((c) => c.nodeId)).toEqual([server.cluster.nodeId, server.cluster.nodeId]);
    expect(clients.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect((await server.cluster.stats()).totals).toMatchObject({ connections: 2 });
    expect(await server.cluster.sendMessage('nobody', { type: 'x' })).toBe(false);
    expect(await server.cluster.revoke('alice')).toEqual({ ended: 1, missing: [] });
    expect(await alice.closed).toMatchObject({ code: CloseCode.REVOKED });
    const bobId = server.getConnectedClientIds()[0]!;
    expect(await server.cluster.sendMessage(bobId, { type: 'hi' })).toBe(true);
    expect(await bob.next('message')).toMatchObject({ data: { type: 'hi' } });
    expect(await server.cluster.disconnectClient(bobId)).toBe(true);
    expect(await bob.closed).toMatchObject({ code: CloseCode.KICKED });
  });

  it('refuses what a client would refuse before asking any node', async () => {
    const { server } = await hub();
    await expect(server.cluster.broadcast(() => 1)).rejects.toThrow(TypeError);
    await expect(server.cluster.sendMessage('', { a: 1 })).rejects.toThrow(TypeError);
    await expect(server.cluster.revoke(42 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('serves the node id in /health, and /stats?scope=cluster with every node', async () => {
    const { url, server } = await hub();
    await identified(url);
    const health = await (await fetch(`http://127.0.0.1:${server.port}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', nodeId: server.cluster.nodeId });
    const local = await (await fetch(`http://127.0.0.1:${server.port}/stats`)).json();
    expect(local).toEqual(server.stats());
    const all = await (await fetch(`http://127.0.0.1:${server.port}/stats?scope=cluster`)).json();
    expect(all).toMatchObject({
      totals: { connections: 1 },
      nodes: [{ nodeId: server.cluster.nodeId }],
      missing: [],
    });
  });

  it('starts the bus it is given with the server and stops it at shutdown', async () => {
    const bus = new LocalClusterBus('node-1');
    const calls: string[] = [];
    const spy: ClusterBus = {
      nodeId: bus.nodeId,
      start: (handle) => {
        calls.push('start');
        return bus.start(handle);
      },
      request: (command) => bus.request(command),
      nodes: () => bus.nodes(),
      stop: () => {
        calls.push('stop');
        return bus.stop();
      },
    };
    const server = new WSServer({ port: 0, cluster: spy });
    await server.start();
    expect(server.cluster.nodeId).toBe('node-1');
    await server.shutdown(100);
    expect(calls).toEqual(['start', 'stop']);
  });

  it('refuses a cluster option that is not a ClusterBus', () => {
    expect(() => new WSServer({ cluster: {} as ClusterBus })).toThrow(
      /option "cluster" must be a ClusterBus/,
    );
    expect(() => new WSServer({ cluster: 'redis' as unknown as ClusterBus })).toThrow(TypeError);
  });
});
