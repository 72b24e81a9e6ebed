/**
 * Counterparts of tests the seed's implementation notes name ("Test Coverage") that no
 * package covered from a user's angle yet: the hub and client as a seed user runs them.
 * README.md maps every named seed test to its counterpart.
 */
import { WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import {
  WSRouter,
  type WSRouterOptions,
  WSServer,
  type WSServerOptions,
} from '@switchboard/server';
import { rawSocketOf } from '@switchboard/server/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function hub(options: WSServerOptions = {}, routerOptions: WSRouterOptions = {}) {
  const server = new WSServer({ port: 0, ...options });
  const router = new WSRouter(server, routerOptions);
  cleanup.push(async () => {
    await server.shutdown(200);
    await router.close();
  });
  await server.start();
  return { server, router };
}

function client(url: string, options: Partial<ConstructorParameters<typeof WSClient>[0]> = {}) {
  const created = new WSClient({ url, reconnectInterval: 20, ...options });
  cleanup.push(() => created.disconnect());
  return created;
}

describe('server tests of the seed', () => {
  it('Heartbeat mechanism: a peer that stops answering is dropped, a live one is kept', async () => {
    const { server } = await hub({ heartbeatInterval: 100 });
    const sockets: WebSocket[] = [];
    class Tracked extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    // Neither client pings on its own, so only the hub's heartbeat keeps them alive.
    const live = client(server.url, { heartbeatIntervalMs: 0 });
    const dead = client(server.url, {
      heartbeatIntervalMs: 0,
      WebSocket: Tracked,
      reconnect: false,
    });
    await Promise.all([live.connect(), dead.connect()]);
    const dropped = new Promise<string>((resolve) =>
      server.on('disconnect', (info) => resolve(info.id)),
    );
    rawSocketOf(sockets[0]!)!.pause(); // reads nothing, answers no ping
    expect(await dropped).toBe(dead.connectionId);
    expect(server.getConnectedClientIds()).toEqual([live.connectionId]);
  });

  it('Max connections enforcement: beyond maxConnections a connect is refused, a freed slot is reused', async () => {
    const { server } = await hub({ maxConnections: 2 });
    const first = client(server.url);
    const second = client(server.url);
    await Promise.all([first.connect(), second.connect()]);
    const third = client(server.url);
    // HTTP 503 at the upgrade: the hub refuses before any frame.
    await expect(third.connect()).rejects.toMatchObject({ code: ErrorCode.CONNECTION_CLOSED });
    expect(server.getConnectedClients()).toHaveLength(2);
    await first.disconnect();
    await vi.waitFor(() => expect(server.getConnectedClients()).toHaveLength(1));
    await third.connect();
    expect(server.getConnectedClients()).toHaveLength(2);
  });
});

describe('client tests of the seed', () => {
  it('Message timeout: sendAndWait and request reject with TIMEOUT when no answer comes', async () => {
    const { server, router } = await hub();
    router.route({ method: 'never.answers', handler: () => new Promise(() => {}) });
    const c = client(server.url, { messageTimeoutMs: 100 });
    await c.connect();
    await expect(c.request('never.answers', 1)).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
    await expect(
      c.sendAndWait({ type: 'request', method: 'never.answers', data: 2 }, 50),
    ).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
    // The connection is still usable.
    expect((await c.sendAndWait({ type: 'ping' })).type).toBe('pong');
  });
});

describe('edge cases of the seed', () => {
  it('Rapid connect/disconnect: 50 cycles leave no connection behind and the hub serving', async () => {
    const { server, router } = await hub();
    const errors: unknown[] = [];
    server.on('error', (error) => errors.push(error));
    for (let i = 0; i < 50; i++) {
      const c = new WSClient({ url: server.url });
      const connecting = c.connect();
      if (i % 2 === 0) await connecting;
      else void connecting.catch(() => {}); // disconnected before the welcome
      await c.disconnect();
    }
    await vi.waitFor(() => expect(server.getConnectedClients()).toHaveLength(0));
    await vi.waitFor(() => expect(server.health().connections).toBe(0));
    const c = client(server.url);
    await c.connect();
    await c.subscribe('agent.#');
    const seen: unknown[] = [];
    c.on('event', (event) => seen.push(event.data));
    await router.publish('agent.1', 'still serving');
    await vi.waitFor(() => expect(seen).toEqual(['still serving']));
    expect(errors).toEqual([]);
  });

  it('Large message handling: 512 KiB arrives intact; over maxPayload is refused and the connection stays', async () => {
    const { server } = await hub();
    const publisher = client(server.url);
    const subscriber = client(server.url);
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe('blob.#');
    const seen: string[] = [];
    subscriber.on('event', (event) => seen.push(event.data as string));
    const large = 'ab'.repeat(256 * 1024);
    await publisher.publish('blob.1', large);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toBe(large);
    await expect(publisher.publish('blob.2', 'x'.repeat(2 * 1024 * 1024))).rejects.toMatchObject({
      code: ErrorCode.PAYLOAD_TOO_LARGE,
    });
    await publisher.publish('blob.3', 'small');
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(publisher.isConnected).toBe(true);
  });

  it('Concurrent subscriptions: 20 clients subscribing 25 patterns each at once all get their events', async () => {
    const { server, router } = await hub();
    const clients = Array.from({ length: 20 }, () => client(server.url));
    await Promise.all(clients.map((c) => c.connect()));
    const seen = clients.map((c) => {
      const topics: string[] = [];
      c.on('event', (event) => topics.push(event.topic));
      return topics;
    });
    await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: 25 }, (_, j) => c.subscribe([`agent.${i}.${j}.#`])),
      ),
    );
    expect(router.getAllSubscriptions().size).toBe(500);
    await Promise.all(clients.map((_, i) => router.publish(`agent.${i}.24.status`, i)));
    await vi.waitFor(() => expect(seen.every((topics) => topics.length === 1)).toBe(true));
    expect(seen.map((topics) => topics[0])).toEqual(clients.map((_, i) => `agent.${i}.24.status`));
  });
});
