import { WSClient } from '@switchboard/client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cutConnection } from './testing.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const servers: WSServer[] = [];
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  await Promise.all(servers.splice(0).map((server) => server.shutdown(500)));
});

async function startServer(options: ConstructorParameters<typeof WSServer>[0] = {}) {
  const server = new WSServer({ port: 0, ...options });
  const router = new WSRouter(server);
  await server.start();
  servers.push(server);
  return { server, router };
}

function client(options: ConstructorParameters<typeof WSClient>[0]): WSClient {
  const created = new WSClient({ reconnectIntervalMs: 10, maxReconnectIntervalMs: 50, ...options });
  clients.push(created);
  return created;
}

describe('the HTTP fallback with WSClient', () => {
  it('publishes, subscribes and answers requests over SSE and POST', async () => {
    const { server, router } = await startServer();
    router.route({
      method: 'sum',
      handler: (data) => (data as number[]).reduce((a, b) => a + b, 0),
    });
    const subscriber = client({ url: server.url, transport: 'sse' });
    const publisher = client({ url: server.url, transport: 'sse' });
    await Promise.all([subscriber.connect(), publisher.connect()]);
    const received: unknown[] = [];
    subscriber.on('event', (event) => received.push(event.data));
    await subscriber.subscribe(['a.*']);
    // A payload with line breaks inside strings and around tokens.
    for (let i = 0; i < 20; i++) await publisher.publish('a.b', { i, text: 'two\nlines\r\n' });
    await expect.poll(() => received.length).toBe(20);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => ({ i, text: 'two\nlines\r\n' })));
    expect(await publisher.request('sum', [1, 2, 3])).toBe(6);
    expect(server.getConnection(publisher.connectionId!)?.socket.constructor.name).toBe(
      'SseSocket',
    );
  });

  it('falls back to SSE when WebSocket is blocked, and moves back once it opens, losing nothing', async () => {
    const { server, router } = await startServer();
    // A network that refuses upgrades until `blocked` is lifted (a port nobody listens on).
    let blocked = true;
    class BlockedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(blocked ? 'ws://127.0.0.1:1' : url, protocols);
      }
    }
    const agent = client({ url: server.url, WebSocket: BlockedWebSocket, upgradeIntervalMs: 50 });
    const transports: string[] = [];
    agent.on('connected', () =>
      transports.push(server.getConnection(agent.connectionId!)!.socket.constructor.name),
    );
    await agent.connect();
    expect(transports).toEqual(['SseSocket']);
    const received: number[] = [];
    agent.on('event', (event) => received.push((event.data as { n: number }).n));
    await agent.subscribe(['ticks']);
    let n = 0;
    const publishing = (async () => {
      while (n < 400) {
        await router.publish('ticks', { n });
        n += 1;
        if (n === 100) blocked = false;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await publishing;
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(400);
    expect(received).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(transports).toEqual(['SseSocket', 'WebSocket']);
  });

  it('resumes through the protocol when the hub drops the session: no gap, no repeat', async () => {
    const { server, router } = await startServer();
    const agent = client({ url: server.url, transport: 'sse' });
    await agent.connect();
    const received: number[] = [];
    agent.on('event', (event) => received.push((event.data as { n: number }).n));
    await agent.subscribe(['ticks']);
    const first = agent.connectionId!;
    const sessions = new Set<string>();
    agent.on('connected', () => sessions.add(agent.connectionId!));
    for (let n = 0; n < 300; n++) {
      await router.publish('ticks', { n });
      if (n % 100 === 50) server.getConnection(agent.connectionId!)?.socket.terminate();
    }
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(300);
    expect(received).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // Every session after the first was a new connection of the hub.
    expect(sessions.size).toBeGreaterThanOrEqual(1);
    expect(sessions.has(first)).toBe(false);
  });

  it('reopens a broken stream in the same session (Last-Event-ID): no reconnect, nothing lost', async () => {
    const { server, router } = await startServer();
    const agent = client({ url: server.url, transport: 'sse' });
    await agent.connect();
    const id = agent.connectionId;
    let disconnects = 0;
    agent.on('disconnected', () => {
      disconnects += 1;
    });
    const received: number[] = [];
    agent.on('event', (event) => received.push((event.data as { n: number }).n));
    await agent.subscribe(['ticks']);
    for (let n = 0; n < 300; n++) {
      void router.publish('ticks', { n, pad: 'x'.repeat(100) });
      if (n % 100 === 50) expect(cutConnection(server, id!)).toBe(true);
      if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(300);
    expect(received).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(disconnects).toBe(0);
    expect(agent.connectionId).toBe(id);
  });
});
