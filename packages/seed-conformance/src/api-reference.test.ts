/**
 * The seed README's "API Reference" and "Events", each line called as the seed documents
 * it, against a real hub.
 */
import { WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import { WSRouter, WSServer } from '@switchboard/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function hub() {
  const server = new WSServer({ port: 0, authenticate: async (token) => token === 'valid-token' });
  const router = new WSRouter(server);
  cleanup.push(async () => {
    await server.shutdown(200);
    await router.close();
  });
  return { server, router };
}

function client(server: WSServer): WSClient {
  const created = new WSClient({ url: server.url, token: 'valid-token', reconnectInterval: 20 });
  cleanup.push(() => created.disconnect());
  return created;
}

/** Every call of one event, as the arguments list. */
function calls(emitter: { on(event: string, listener: (...args: unknown[]) => void): unknown }) {
  const seen = new Map<string, unknown[][]>();
  return {
    watch(...events: string[]) {
      for (const event of events) {
        seen.set(event, []);
        emitter.on(event, (...args) => seen.get(event)!.push(args));
      }
    },
    of: (event: string) => seen.get(event) ?? [],
  };
}

describe('WSServer', () => {
  it('start, sendMessage, broadcast, getConnectedClients, getClient, disconnectClient, shutdown', async () => {
    const { server } = await hub();
    await server.start();
    const a = client(server);
    const b = client(server);
    await Promise.all([a.connect(), b.connect()]);
    const messages: unknown[] = [];
    a.on('message', (message) => messages.push(message));
    const clients = server.getConnectedClients();
    expect(clients.map((info) => info.id).sort()).toEqual([a.connectionId, b.connectionId].sort());
    expect(server.getClient(a.connectionId!)).toMatchObject({ id: a.connectionId });
    expect(server.sendMessage(a.connectionId!, { type: 'notification', data: 'for a' })).toBe(true);
    expect(server.broadcast({ type: 'notification', data: 'for all' })).toBe(2);
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    expect(messages).toEqual([
      { type: 'notification', data: 'for a' },
      { type: 'notification', data: 'for all' },
    ]);
    const kicked = new Promise((resolve) => b.once('disconnected', resolve));
    expect(server.disconnectClient(b.connectionId!, 'maintenance')).toBe(true);
    expect(await kicked).toMatchObject({ code: 4006, reason: 'maintenance', willReconnect: false });
    const down = new Promise((resolve) => a.once('disconnected', resolve));
    await server.shutdown();
    expect(await down).toMatchObject({ code: 1001 });
  });

  it('emits started, connection, authenticated, subscribe, unsubscribe, publish, disconnect, error', async () => {
    const { server } = await hub();
    const events = calls(server as never);
    events.watch('started', 'connection', 'authenticated', 'subscribe', 'unsubscribe');
    events.watch('publish', 'disconnect', 'error');
    await server.start();
    expect(events.of('started')).toHaveLength(1);
    const c = client(server);
    await c.connect();
    const id = c.connectionId;
    await c.subscribe(['agent.*.status']);
    await c.publish('agent.1.status', 'busy');
    await c.unsubscribe(['agent.*.status']);
    await c.disconnect();
    await vi.waitFor(() => expect(events.of('disconnect')).toHaveLength(1));
    expect(events.of('connection')).toEqual([[expect.objectContaining({ id })]]);
    expect(events.of('authenticated')).toEqual([[expect.objectContaining({ id })]]);
    expect(events.of('subscribe')).toEqual([[expect.objectContaining({ id }), ['agent.*.status']]]);
    expect(events.of('unsubscribe')).toEqual([
      [expect.objectContaining({ id }), ['agent.*.status']],
    ]);
    expect(events.of('publish')).toEqual([
      [expect.objectContaining({ topic: 'agent.1.status', data: 'busy' })],
    ]);
    // A listener that throws is reported as the server's error, not thrown into the hub.
    server.on('connection', () => {
      throw new Error('listener bug');
    });
    await client(server).connect();
    await vi.waitFor(() => expect(events.of('error')).toHaveLength(1));
    expect(events.of('error')[0]).toEqual([new Error('listener bug')]);
  });
});

describe('WSClient', () => {
  it('connect, subscribe, publish(topic, data, broadcast), send, sendAndWait, unsubscribe, disconnect', async () => {
    const { server } = await hub();
    await server.start();
    const c = client(server);
    await c.connect();
    await c.subscribe(['agent.*.status']);
    const seen: unknown[] = [];
    c.on('event', (event) => seen.push(event.data));
    await c.publish('agent.1.status', 'to everyone, me included', true);
    await c.publish('agent.1.status', 'to everyone but me', false);
    expect(c.send({ type: 'publish', topic: 'agent.2.status', data: 'raw' })).toBe(true);
    const reply = await c.sendAndWait({ type: 'ping' });
    expect(reply.type).toBe('pong');
    await vi.waitFor(() => expect(seen).toEqual(['to everyone, me included', 'raw']));
    await c.unsubscribe(['agent.*.status']);
    expect(c.subscriptions.size).toBe(0);
    await c.disconnect();
    expect(c.isConnected).toBe(false);
  });

  it('emits connected, authenticated, event, event:{topic}, pong, disconnected, reconnecting, error', async () => {
    const { server, router } = await hub();
    await server.start();
    const c = client(server);
    const events = calls(c as never);
    events.watch('connected', 'authenticated', 'event', 'event:agent.1.status', 'pong');
    events.watch('disconnected', 'reconnecting', 'error');
    await c.connect();
    await c.subscribe(['agent.*.status']);
    await router.publish('agent.1.status', 'busy');
    await router.publish('agent.2.status', 'idle');
    await c.sendAndWait({ type: 'ping' });
    await vi.waitFor(() => expect(events.of('event')).toHaveLength(2));
    expect(events.of('connected')).toHaveLength(1);
    expect(events.of('authenticated')).toEqual([[{ id: c.connectionId }]]);
    expect(
      events.of('event:agent.1.status').map(([event]) => (event as { data: unknown }).data),
    ).toEqual(['busy']);
    expect(events.of('pong')).toHaveLength(1);
    for (const info of server.getConnectedClients()) server.disconnectClient(info, 'no');
    await vi.waitFor(() => expect(events.of('disconnected')).toHaveLength(1));
    // A hub restart instead of a kick: the client reconnects.
    const other = await hub();
    await other.server.start();
    const r = client(other.server);
    const rEvents = calls(r as never);
    rEvents.watch('reconnecting', 'error');
    await r.connect();
    // Nobody awaits a fire-and-forget request, so the hub's refusal is an `error` event.
    r.send({ type: 'request', method: 'no.such.method', data: null });
    await vi.waitFor(() => expect(rEvents.of('error').length).toBeGreaterThan(0));
    expect(rEvents.of('error')[0]?.[0]).toMatchObject({ code: ErrorCode.NOT_FOUND });
    await other.server.shutdown();
    await vi.waitFor(() => expect(rEvents.of('reconnecting').length).toBeGreaterThan(0));
  });
});

describe('WSRouter', () => {
  it('route, unroute, publish, getTopicSubscribers, getAllSubscriptions', async () => {
    const { server, router } = await hub();
    await server.start();
    const c = client(server);
    await c.connect();
    await c.subscribe(['agent.*.status', 'task.#']);
    router.route({ topic: 'tasks.*', handler: (data) => ({ echoed: data }) });
    expect(await c.request('tasks.count', 3)).toEqual({ echoed: 3 });
    expect(router.unroute('tasks.*')).toBe(true);
    await expect(c.request('tasks.count', 3)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    const result = await router.publish('agent.1.status', { status: 'busy' });
    expect(result).toMatchObject({ sequenceNumber: 1, duplicate: false });
    expect(router.getTopicSubscribers('agent.1.status')).toEqual([c.connectionId]);
    expect(router.getTopicSubscribers('swarm.1')).toEqual([]);
    expect(router.getAllSubscriptions()).toEqual(
      new Map([
        ['agent.*.status', [c.connectionId]],
        ['task.#', [c.connectionId]],
      ]),
    );
  });
});
