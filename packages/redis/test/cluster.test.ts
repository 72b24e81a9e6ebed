import type { WSClient } from '@switchboard/client';
import type { WSServerOptions } from '@switchboard/server';
import { afterEach, expect, it } from 'vitest';
import { RedisClusterBus } from '../src/index.ts';
import { eventually } from './support/engines.ts';
import { getJson, hubFixture, type TestHub } from './support/hubs.ts';
import { describeWithRedis, probeRedis, REDIS_URL } from './support/redis-service.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

const redis = await probeRedis();

/** Tokens are principal ids. */
const auth: WSServerOptions = { authenticate: (token) => ({ id: token }) };

describeWithRedis('a cluster of hub nodes on one Redis acts as one hub', redis, () => {
  const hubs = hubFixture();
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    await hubs.closeAll();
    await proxy?.close();
    proxy = undefined;
  });

  /** Three nodes and one client on each (principals alice, bob, alice). */
  async function threeNodes() {
    const keyPrefix = hubs.prefix();
    const nodes: TestHub[] = [];
    for (let i = 0; i < 3; i++) nodes.push(await hubs.startNode(keyPrefix, auth));
    const tokens = ['alice', 'bob', 'alice'];
    const clients: WSClient[] = [];
    for (const [i, node] of nodes.entries()) {
      clients.push(
        await hubs.client({ url: node.server.url, token: tokens[i]!, reconnect: false }),
      );
    }
    const ids = nodes.map((node) => node.server.getConnectedClientIds()[0]!);
    return { keyPrefix, nodes, clients, ids };
  }

  function messages(client: WSClient): unknown[] {
    const got: unknown[] = [];
    client.on('message', (message) => got.push(message));
    return got;
  }

  function closes(client: WSClient): number[] {
    const got: number[] = [];
    client.on('disconnected', ({ code }) => got.push(code));
    return got;
  }

  it('knows its live nodes, and each node has an id', async () => {
    const { nodes } = await threeNodes();
    const ids = nodes.map((node) => node.server.cluster.nodeId);
    expect(new Set(ids).size).toBe(3);
    for (const node of nodes) {
      expect((await node.server.cluster.nodes()).sort()).toEqual([...ids].sort());
    }
  });

  it('broadcasts from one node to the clients of every node', async () => {
    const { nodes, clients } = await threeNodes();
    const got = clients.map(messages);
    const result = await nodes[1]!.server.cluster.broadcast({ type: 'notice', n: 1 });
    expect(result).toEqual({ sent: 3, missing: [] });
    await eventually(() =>
      expect(got).toEqual([
        [{ type: 'notice', n: 1 }],
        [{ type: 'notice', n: 1 }],
        [{ type: 'notice', n: 1 }],
      ]),
    );
  });

  it('sends to, lists and kicks a client on another node', async () => {
    const { nodes, clients, ids } = await threeNodes();
    const got = clients.map(messages);
    expect(await nodes[0]!.server.cluster.sendMessage(ids[2]!, { type: 'hi' })).toBe(true);
    await eventually(() => expect(got[2]).toEqual([{ type: 'hi' }]));
    expect(got[0]).toEqual([]);
    expect(got[1]).toEqual([]);
    expect(await nodes[0]!.server.cluster.sendMessage('no-such-client', { type: 'hi' })).toBe(
      false,
    );

    const listed = await nodes[1]!.server.cluster.getConnectedClients();
    expect(listed.map((c) => [c.id, c.principal?.id, c.nodeId]).sort()).toEqual(
      nodes
        .map((node, i) => [ids[i], ['alice', 'bob', 'alice'][i], node.server.cluster.nodeId])
        .sort(),
    );

    const kicked = closes(clients[1]!);
    expect(await nodes[2]!.server.cluster.disconnectClient(ids[1]!, 'go')).toBe(true);
    await eventually(() => expect(kicked).toEqual([4006]));
    expect(await nodes[2]!.server.cluster.disconnectClient(ids[1]!)).toBe(false);
  });

  it('revokes a principal on every node at once', async () => {
    const { nodes, clients } = await threeNodes();
    const codes = clients.map(closes);
    expect(await nodes[1]!.server.cluster.revoke('alice')).toEqual({ ended: 2, missing: [] });
    await eventually(() => expect(codes).toEqual([[4009], [], [4009]]));
    expect(clients[1]!.isConnected).toBe(true);
  });

  it('sums /stats over the nodes with ?scope=cluster', async () => {
    const { nodes } = await threeNodes();
    const local = await getJson(nodes[0]!.server, '/stats');
    expect(local.body).toMatchObject({ connections: 1 });
    const health = await getJson(nodes[0]!.server, '/health');
    expect(health.body).toMatchObject({ nodeId: nodes[0]!.server.cluster.nodeId });
    const { status, body } = await getJson(nodes[0]!.server, '/stats?scope=cluster');
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({ connections: 3 });
    expect((body.nodes as unknown[]).length).toBe(3);
    expect(body.missing).toEqual([]);
  });

  it('announces a node that stopped at once, and one that died within its heartbeat TTL', async () => {
    const keyPrefix = hubs.prefix();
    proxy = await TcpProxy.start(REDIS_URL);
    const a = await hubs.startNode(keyPrefix);
    const b = await hubs.startNode(keyPrefix);
    // C reaches Redis through a proxy, so that it can vanish without a word.
    const trouble: unknown[] = [];
    const c = await hubs.start(keyPrefix, {}, {}, () => ({
      cluster: new RedisClusterBus({
        url: proxy!.url,
        keyPrefix,
        heartbeatMs: 100,
        nodeTtlMs: 600,
        onError: (error) => trouble.push(error),
      }),
    }));
    const bus = (hub: TestHub) => (hub.server.options as { cluster?: RedisClusterBus }).cluster!;
    const left: unknown[] = [];
    bus(a).on('node-left', (info) => left.push(info));
    await eventually(async () => expect(await a.server.cluster.nodes()).toHaveLength(3));

    await hubs.stop(b);
    await eventually(() =>
      expect(left).toEqual([{ nodeId: b.server.cluster.nodeId, reason: 'stopped' }]),
    );
    await proxy.cut();
    const cutAt = Date.now();
    await eventually(() => expect(left).toHaveLength(2));
    expect(left[1]).toEqual({ nodeId: c.server.cluster.nodeId, reason: 'expired' });
    // TTL 600 ms plus at most one heartbeat of the node that noticed.
    expect(Date.now() - cutAt).toBeLessThan(5_000);
    expect(await a.server.cluster.nodes()).toEqual([a.server.cluster.nodeId]);
    // Asking the cluster after the death does not wait for the dead node.
    expect((await a.server.cluster.broadcast({ type: 'x' })).missing).toEqual([]);
    expect(trouble.length).toBeGreaterThan(0);
  });
});
