import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';
import { RawPeer } from './test-support/raw-peer.ts';
import { WSServer } from './ws-server.ts';

const { hub, peer, welcomed, track } = useHubFixture();

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A TCP connection that sends the start of an upgrade request and never finishes it. */
async function halfOpen(
  port: number,
  partial = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n',
): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  if (partial) socket.write(partial);
  return socket;
}

describe('upgrades in progress', () => {
  it('count against maxConnections: half-open requests leave no room for an upgrade beyond it', async () => {
    const { url, server } = await hub({ maxConnections: 3, upgradeTimeoutMs: 60_000 });
    await welcomed(url);
    await halfOpen(server.port);
    await halfOpen(server.port, '');
    await expect.poll(() => server.stats().pendingUpgrades).toBe(2);
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 503');
  });

  it('are destroyed after upgradeTimeoutMs, which frees their place', async () => {
    const { url, server } = await hub({ maxConnections: 2, upgradeTimeoutMs: 200 });
    const partial = await halfOpen(server.port);
    const silent = await halfOpen(server.port, '');
    await expect.poll(() => server.stats().pendingUpgrades).toBe(2);
    await Promise.all(
      [partial, silent].map((socket) => new Promise((resolve) => socket.once('close', resolve))),
    );
    await expect.poll(() => server.stats().pendingUpgrades).toBe(0);
    await welcomed(url);
    await welcomed(url);
  });
});

describe('plain HTTP clients of the hub', () => {
  it('are not upgrades in progress, but still count against maxConnections while connected', async () => {
    const { url, server } = await hub({ maxConnections: 2, upgradeTimeoutMs: 60_000 });
    const scraper = await halfOpen(server.port, '');
    const answered = new Promise<string>((resolve) => {
      let text = '';
      scraper.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('"uptimeSeconds"')) resolve(text);
      });
    });
    // A keep-alive /health scrape: the connection stays open after the answer.
    scraper.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    expect(await answered).toContain('200 OK');
    expect(server.stats().pendingUpgrades).toBe(0);
    await welcomed(url);
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 503');
  });
});

describe('allowedOrigins', () => {
  it('lets listed origins and wildcard subdomains upgrade, refuses others with 403', async () => {
    const { url } = await hub({
      allowedOrigins: ['https://app.example.com', 'https://*.example.org', 'http://localhost:5173'],
    });
    for (const origin of [
      'https://app.example.com',
      'HTTPS://APP.EXAMPLE.COM',
      'https://a.example.org',
      'https://a.b.example.org',
      'http://localhost:5173',
    ]) {
      track(await RawPeer.open(url, { origin }));
    }
    for (const origin of [
      'https://evil.com',
      'https://example.org',
      'https://a.example.org:8443',
      'http://a.example.org',
      'https://app.example.com.evil.com',
      'http://localhost:5174',
      'null',
    ]) {
      await expect(RawPeer.open(url, { origin }), origin).rejects.toThrow('HTTP 403');
    }
    // Non-browser clients send no Origin.
    track(await RawPeer.open(url));
  });

  it('refuses upgrades without an Origin header when requireOrigin is set', async () => {
    const { url } = await hub({ allowedOrigins: ['https://app.example.com'], requireOrigin: true });
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 403');
    track(await RawPeer.open(url, { origin: 'https://app.example.com' }));
  });

  it('is checked when the hub is built', () => {
    for (const allowedOrigins of [
      ['app.example.com'],
      ['https://app.example.com/path'],
      [7],
      'https://a.b',
    ]) {
      expect(() => new WSServer({ allowedOrigins: allowedOrigins as never })).toThrow(
        /"allowedOrigins"/,
      );
    }
    expect(() => new WSServer({ requireOrigin: 'yes' as never })).toThrow(/"requireOrigin"/);
  });
});

describe('maxConnectionsPerIp', () => {
  it('refuses a further connection from one address with 429, counting upgrades in progress', async () => {
    const { url, server } = await hub({ maxConnectionsPerIp: 2 });
    const first = await peer(url);
    await halfOpen(server.port);
    await expect.poll(() => server.stats().pendingUpgrades).toBe(1);
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 429');
    await first.close();
    await expect.poll(() => server.stats().connections).toBe(0);
    await peer(url);
  });

  it('counts a keep-alive HTTP client that then upgrades once, and frees its place once it closes', async () => {
    const { url, server } = await hub({ maxConnectionsPerIp: 2 });
    const other = await peer(url);
    const socket = await halfOpen(server.port, '');
    let text = '';
    const received = (marker: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!text.includes(marker)) return;
          socket.off('data', onData);
          resolve();
        };
        const onData = (chunk: Buffer) => {
          text += chunk.toString('latin1');
          check();
        };
        socket.on('data', onData);
        check();
      });
    const answered = received('"uptimeSeconds"');
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await answered;
    const switched = received('101 Switching Protocols');
    socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await switched;
    await expect.poll(() => server.stats().connections).toBe(2);
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 429');
    socket.destroy();
    await expect.poll(() => server.stats().connections).toBe(1);
    // Its place is free once, not twice: `other` still counts.
    const third = await peer(url);
    await expect(RawPeer.open(url)).rejects.toThrow('HTTP 429');
    await Promise.all([other.close(), third.close()]);
  });

  it('is checked when the hub is built', () => {
    for (const value of [0, -1, 1.5, '2']) {
      expect(() => new WSServer({ maxConnectionsPerIp: value as never })).toThrow(
        /"maxConnectionsPerIp"/,
      );
    }
    expect(() => new WSServer({ upgradeTimeoutMs: 0 })).toThrow(/"upgradeTimeoutMs"/);
  });
});
