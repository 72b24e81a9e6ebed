import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { rawSocketOf } from './raw-socket.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { RawPeer } from './test-support/raw-peer.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const { hub, track } = useHubFixture();

describe('heartbeat', () => {
  it('drops a frozen peer that stops answering pings and cleans up its subscriptions', async () => {
    const { url, server, router } = await hub({ heartbeatIntervalMs: 100 });
    const frozen = await RawPeer.welcomed(url, undefined, { autoPong: false });
    track(frozen);
    frozen.send({ type: 'subscribe', id: 's', topics: ['#'] });
    await frozen.reply('s');
    const gone = new Promise<string>((resolve) =>
      server.once('disconnection', (client) => resolve(client.id)),
    );
    expect(await gone).toBeTypeOf('string');
    expect(router.stats().subscriptions).toBe(0);
    expect(server.getConnectedClients()).toHaveLength(0);
  });

  it('keeps a peer that answers pings', async () => {
    const { url, server } = await hub({ heartbeatIntervalMs: 50 });
    const healthy = await RawPeer.welcomed(url);
    track(healthy);
    let pings = 0;
    await new Promise<void>((resolve) =>
      healthy.socket.on('ping', () => {
        pings += 1;
        if (pings === 4) resolve();
      }),
    );
    expect(server.getConnectedClients()).toHaveLength(1);
  });

  it('answers app-level ping frames with pong (browsers cannot see protocol pings)', async () => {
    const { url } = await hub();
    const peer = await RawPeer.welcomed(url);
    track(peer);
    peer.send({ type: 'ping', id: 'p', ts: 123 });
    expect(await peer.next('pong', 'p')).toEqual({ type: 'pong', id: 'p', ts: 123 });
  });
});

describe('graceful shutdown', () => {
  it('tells attached clients to reconnect, closes with 1001 and stops accepting', async () => {
    const server = new WSServer({ port: 0 });
    const router = new WSRouter(server);
    await server.start();
    const url = server.url;
    const clients = await Promise.all([
      RawPeer.welcomed(url),
      RawPeer.welcomed(url),
      RawPeer.welcomed(url),
    ]);
    await server.shutdown(2_000);
    for (const client of clients) {
      expect(await client.next('disconnect')).toMatchObject({ code: 1001, reconnect: true });
      expect((await client.closed).code).toBe(CloseCode.GOING_AWAY);
    }
    expect(server.getConnectedClients()).toHaveLength(0);
    await expect(RawPeer.open(url)).rejects.toThrow();
    await router.close();
  });

  it('cuts sockets that do not finish the close handshake within the timeout', async () => {
    const server = new WSServer({ port: 0 });
    new WSRouter(server);
    await server.start();
    const stuck = await RawPeer.welcomed(server.url);
    // A peer that stops reading never answers the close frame.
    rawSocketOf(stuck.socket)!.pause();
    const started = Date.now();
    await server.shutdown(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.getConnectedClients()).toHaveLength(0);
    stuck.socket.terminate();
  });
});

describe('HTTP endpoints', () => {
  it('serves /health and /stats as JSON', async () => {
    const { server, url, router } = await hub();
    const peer = await RawPeer.welcomed(url);
    track(peer);
    peer.send({ type: 'subscribe', id: 's', topics: ['a.#'] });
    await peer.reply('s');
    await router.publish('a.b', 1);
    await peer.next('event');
    const base = `http://127.0.0.1:${server.port}`;
    const health = await (await fetch(`${base}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', connections: 1 });
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
    const stats = await (await fetch(`${base}/stats`)).json();
    expect(stats).toMatchObject({
      connections: 1,
      subscriptions: 1,
      published: 1,
      delivered: 1,
      dropped: 0,
      // One publish to one subscriber never puts the writes behind: nobody was paused.
      pausedReads: 0,
      readPauses: 0,
    });
    expect(stats.messagesIn).toBeGreaterThanOrEqual(2);
    expect(stats.topics).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('attaches to an existing http.Server and start() resolves once it listens', async () => {
    const http = createServer((request, response) => {
      if (!server.handleHttpRequest(request, response)) response.end('app');
    });
    const server = new WSServer({ server: http, path: '/ws' });
    const router = new WSRouter(server);
    const started = server.start();
    http.listen(0, '127.0.0.1');
    await started;
    const port = (http.address() as AddressInfo).port;
    expect(server.port).toBe(port);
    const peer = await RawPeer.welcomed(`ws://127.0.0.1:${port}/ws`);
    expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe('app');
    expect((await (await fetch(`http://127.0.0.1:${port}/health`)).json()).connections).toBe(1);
    await peer.close();
    await server.shutdown();
    await router.close();
    await new Promise((resolve) => http.close(resolve));
  });
});
