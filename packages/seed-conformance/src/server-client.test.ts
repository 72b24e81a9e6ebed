/**
 * The seed README's server, client and router examples and its API list, run over real
 * sockets. The code is the README's as far as a test allows: the imports name our packages,
 * `port: 8080` is `port: 0` and `ws://localhost:8080` is `server.url` (tests share a
 * machine), and what the README only prints is also recorded so the test can assert it.
 */
import { type EventFrame, WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import { WSRouter, WSServer } from '@switchboard/server';
import { rawSocketOf } from '@switchboard/server/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
function closeLater(server: WSServer, router?: WSRouter): void {
  cleanup.push(async () => {
    await server.shutdown(200);
    await router?.close();
  });
}
function disconnectLater(client: WSClient): WSClient {
  cleanup.push(() => client.disconnect());
  return client;
}

/** "Server Setup" with port 0. */
async function quickStartServer() {
  // Create server
  const server = new WSServer({
    port: 0,
    authenticate: async (token) => {
      // Validate token
      return token === 'valid-token';
    },
  });
  // Create router
  const router = new WSRouter(server);
  closeLater(server, router);
  // Start server
  await server.start();
  return { server, router };
}

/** "Client Setup" against `server.url`. */
async function quickStartClient(server: WSServer, received: EventFrame[] = []) {
  // Create client
  const client = disconnectLater(
    new WSClient({
      url: server.url,
      token: 'valid-token',
      reconnect: true,
      reconnectInterval: 5000,
    }),
  );
  // Connect
  await client.connect();
  // Subscribe to topics
  await client.subscribe(['agent.*.status', 'task.#']);
  // Listen for events
  client.on('event', (event) => {
    received.push(event);
  });
  return client;
}

describe('Quick Start', () => {
  it('a client with the valid token subscribes and receives what the router publishes', async () => {
    const { server, router } = await quickStartServer();
    const received: EventFrame[] = [];
    await quickStartClient(server, received);
    await router.publish('agent.1.status', { status: 'busy' });
    await router.publish('task.1.progress', { progress: 50 });
    await router.publish('swarm.1.vote', 'not subscribed');
    await vi.waitFor(() => expect(received).toHaveLength(2));
    expect(received.map((event) => [event.topic, event.data])).toEqual([
      ['agent.1.status', { status: 'busy' }],
      ['task.1.progress', { progress: 50 }],
    ]);
  });

  it('a client with another token is refused', async () => {
    const { server } = await quickStartServer();
    const client = disconnectLater(new WSClient({ url: server.url, token: 'wrong' }));
    await expect(client.connect()).rejects.toMatchObject({
      code: ErrorCode.AUTHENTICATION_FAILED,
    });
  });

  it("the implementation notes' basic server and client (no authenticate, token 'test')", async () => {
    // Server
    const server = new WSServer({ port: 0 });
    const router = new WSRouter(server);
    closeLater(server, router);
    await server.start();
    // Client
    const client = disconnectLater(new WSClient({ url: server.url, token: 'test' }));
    await client.connect();
    await client.subscribe(['agent.*']);
    const seen: unknown[] = [];
    client.on('event', (event) => seen.push(event.data));
    await router.publish('agent.1', 'hello');
    await vi.waitFor(() => expect(seen).toEqual(['hello']));
  });
});

describe('Pattern Matching', () => {
  it('* matches exactly one segment, # zero or more', async () => {
    const { server, router } = await quickStartServer();
    const client = disconnectLater(new WSClient({ url: server.url, token: 'valid-token' }));
    await client.connect();
    const topics: string[] = [];
    // Match any agent's status
    await client.subscribe(['agent.*.status']);
    // Match all agent events
    await client.subscribe(['agent.#']);
    // Match specific pattern
    await client.subscribe(['task.*.progress']);
    client.on('event', (event) => topics.push(event.topic));
    for (const topic of ['agent.1.status', 'agent', 'agent.1.health.cpu', 'task.1.progress']) {
      await router.publish(topic, topic);
    }
    await router.publish('task.1.completed', 'no pattern matches');
    await router.publish('task.1.progress.detail', 'one segment too many for *');
    await router.publish('agent.marker', 'last');
    await vi.waitFor(() => expect(topics).toContain('agent.marker'));
    // Each event once, although agent.1.status matches two of the patterns.
    expect(topics).toEqual([
      'agent.1.status',
      'agent',
      'agent.1.health.cpu',
      'task.1.progress',
      'agent.marker',
    ]);
  });
});

describe('Message Ordering', () => {
  it('events arrive in publish order with sequence numbers 1, 2, 3 ... per topic', async () => {
    const { server, router } = await quickStartServer();
    const client = disconnectLater(new WSClient({ url: server.url, token: 'valid-token' }));
    await client.connect();
    await client.subscribe(['agent.*.status']);
    const sequence: number[] = [];
    const data: unknown[] = [];
    client.on('event', (event) => {
      sequence.push(event.sequenceNumber);
      data.push(event.data);
    });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => router.publish('agent.1.status', { i })),
    );
    await vi.waitFor(() => expect(sequence).toHaveLength(200));
    expect(sequence).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(data).toEqual(Array.from({ length: 200 }, (_, i) => ({ i })));
  });
});

describe('Backpressure', () => {
  it('a client that stops reading loses its oldest events, reported as message-dropped { clientId, topic }', async () => {
    // One router per server: the README's backpressure router gets a server of its own.
    const backpressured = new WSServer({ port: 0 });
    const router = new WSRouter(backpressured, {
      queueSize: 10, // Max queued messages per client (1000 in the README)
    });
    closeLater(backpressured, router);
    await backpressured.start();
    const dropped: { clientId: string; topic: string }[] = [];
    router.on('message-dropped', ({ clientId, topic }) => {
      dropped.push({ clientId, topic });
    });
    const sockets: WebSocket[] = [];
    class Tracked extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const slow = disconnectLater(new WSClient({ url: backpressured.url, WebSocket: Tracked }));
    await slow.connect();
    await slow.subscribe(['load.#']);
    rawSocketOf(sockets[0]!)!.pause(); // the client stops reading
    const payload = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && dropped.length === 0; i++) {
      await router.publish(`load.${i % 4}`, payload);
    }
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped[0]).toEqual({
      clientId: slow.connectionId,
      topic: expect.stringMatching(/^load\./),
    });
  });
});

describe('Authentication', () => {
  it('authenticate gets the token and metadata; authTimeout closes a silent socket', async () => {
    const users = new Map([['token-of-ada', { id: 'ada' }]]);
    const validateToken = async (token: string) => users.get(token) ?? null;
    const metadataSeen: unknown[] = [];
    const server = new WSServer({
      port: 0,
      authenticate: async (token, metadata) => {
        metadataSeen.push(metadata);
        // Custom auth logic
        const user = await validateToken(token);
        return user !== null;
      },
      authTimeout: 10000,
    });
    const router = new WSRouter(server);
    closeLater(server, router);
    await server.start();
    const ada = disconnectLater(new WSClient({ url: server.url, token: 'token-of-ada' }));
    await ada.connect();
    expect(metadataSeen[0]).toMatchObject({ transport: 'frame', connectionId: expect.any(String) });
    const mallory = disconnectLater(new WSClient({ url: server.url, token: 'forged' }));
    await expect(mallory.connect()).rejects.toMatchObject({
      code: ErrorCode.AUTHENTICATION_FAILED,
    });
  });
});

describe('Rate Limiting', () => {
  it('the 101st message within the window gets RATE_LIMIT_EXCEEDED', async () => {
    const server = new WSServer({
      port: 0,
      rateLimit: {
        maxMessages: 100, // Max messages per window
        windowMs: 60000, // Window duration in milliseconds (1 minute)
      },
    });
    const router = new WSRouter(server);
    closeLater(server, router);
    await server.start();
    const client = disconnectLater(new WSClient({ url: server.url }));
    await client.connect();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 101 }, (_, i) => client.publish('agent.1.status', { i })),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(100);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: ErrorCode.RATE_LIMIT_EXCEEDED,
    });
  });
});

describe('Graceful Shutdown', () => {
  it('server.shutdown() tells the client, which reconnects until client.disconnect()', async () => {
    const { server } = await quickStartServer();
    const client = await quickStartClient(server);
    const disconnected = new Promise<{ code: number; willReconnect: boolean }>((resolve) =>
      client.once('disconnected', resolve),
    );
    // Server
    await server.shutdown();
    expect(await disconnected).toMatchObject({ code: 1001, willReconnect: true });
    // Client
    client.disconnect();
    expect(client.state).toBe('closed');
  });
});
