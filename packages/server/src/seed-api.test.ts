import { WSClient } from '@switchboard/client';
import { ErrorCode } from '@switchboard/protocol';
import type { LogEntry } from '@switchboard/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientInfo } from './client-info.ts';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function hub(options: ConstructorParameters<typeof WSServer>[0] = {}) {
  const server = new WSServer({ port: 0, ...options });
  const router = new WSRouter(server);
  cleanup.push(async () => {
    await server.shutdown(200);
    await router.close();
  });
  return { server, router };
}

async function connected(server: WSServer): Promise<WSClient> {
  const client = new WSClient({ url: server.url });
  cleanup.push(() => client.disconnect());
  await client.connect();
  return client;
}

describe('server events under the seed names', () => {
  it('emits started with listening, and disconnect with disconnection', async () => {
    const { server } = hub();
    const started = vi.fn();
    const listening = vi.fn();
    server.on('started', started).on('listening', listening);
    await server.start();
    expect(started).toHaveBeenCalledWith({ host: '127.0.0.1', port: server.port });
    expect(started.mock.calls).toEqual(listening.mock.calls);
    const disconnect = vi.fn();
    const disconnection = vi.fn();
    server.on('disconnect', disconnect).on('disconnection', disconnection);
    const client = await connected(server);
    const id = client.connectionId;
    await client.disconnect();
    await vi.waitFor(() => expect(disconnect).toHaveBeenCalledTimes(1));
    expect(disconnect.mock.calls[0]?.[0]).toMatchObject({ id });
    expect(disconnect.mock.calls[0]?.[1]).toBe(1000);
    expect(disconnect.mock.calls).toEqual(disconnection.mock.calls);
  });

  it('emits subscribe, unsubscribe and publish as the router does subscribed, unsubscribed, published', async () => {
    const { server, router } = hub();
    await server.start();
    const seen: string[] = [];
    server.on('subscribe', (client, patterns) => seen.push(`sub ${client.id} ${patterns}`));
    server.on('unsubscribe', (client, patterns) => seen.push(`unsub ${client.id} ${patterns}`));
    const published: LogEntry[] = [];
    server.on('publish', (entry) => published.push(entry));
    const client = await connected(server);
    const id = client.connectionId;
    await client.subscribe(['agent.*.status', 'task.#']);
    await client.publish('agent.1.status', { state: 'busy' });
    await router.publish('task.1.created', 'from the server');
    await client.unsubscribe('task.#');
    expect(seen).toEqual([`sub ${id} agent.*.status,task.#`, `unsub ${id} task.#`]);
    expect(published.map((entry) => [entry.topic, entry.data])).toEqual([
      ['agent.1.status', { state: 'busy' }],
      ['task.1.created', 'from the server'],
    ]);
  });
});

describe('router methods of the seed API', () => {
  it('getTopicSubscribers lists each client a topic would reach, once', async () => {
    const { server, router } = hub();
    await server.start();
    const a = await connected(server);
    const b = await connected(server);
    await a.subscribe(['agent.*.status', 'agent.#']);
    await b.subscribe(['task.#']);
    expect(router.getTopicSubscribers('agent.7.status')).toEqual([a.connectionId]);
    expect(router.getTopicSubscribers('task.1')).toEqual([b.connectionId]);
    expect(router.getTopicSubscribers('swarm.1')).toEqual([]);
    expect(() => router.getTopicSubscribers('agent.*')).toThrow(/wildcard|topic/i);
  });

  it('getAllSubscriptions maps every pattern to the clients holding it', async () => {
    const { server, router } = hub();
    await server.start();
    const a = await connected(server);
    const b = await connected(server);
    await a.subscribe(['agent.#', 'task.#']);
    await b.subscribe(['task.#']);
    const all = router.getAllSubscriptions();
    expect(all.get('agent.#')).toEqual([a.connectionId]);
    expect(new Set(all.get('task.#'))).toEqual(new Set([a.connectionId, b.connectionId]));
    expect(all.size).toBe(2);
  });

  it('unroute removes the route of a method or a topic pattern', async () => {
    const { server, router } = hub();
    await server.start();
    router.route({ method: 'tasks.count', handler: () => 3 });
    router.route({ topic: 'admin.#', handler: () => 'admin' });
    const client = await connected(server);
    expect(await client.request('tasks.count')).toBe(3);
    expect(await client.request('admin.reset')).toBe('admin');
    expect(router.unroute('tasks.count')).toBe(true);
    expect(router.unroute('admin.#')).toBe(true);
    expect(router.unroute('admin.#')).toBe(false);
    await expect(client.request('tasks.count')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(client.request('admin.reset')).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
  });
});

describe('sendMessage and broadcast', () => {
  it("deliver a seed-shaped { type: 'notification', data } that the client emits, not refuses", async () => {
    const { server } = hub();
    await server.start();
    const client = await connected(server);
    const messages: unknown[] = [];
    const notifications: unknown[] = [];
    const errors: unknown[] = [];
    client.on('message', (message) => messages.push(message));
    client.on('message:notification', (message) => notifications.push(message));
    client.on('error', (error) => errors.push(error));
    const notification = { type: 'notification', data: { text: 'deploy done' } };
    expect(server.sendMessage(client.connectionId!, notification)).toBe(true);
    await vi.waitFor(() => expect(messages).toEqual([notification]));
    expect(notifications).toEqual([notification]);
    expect(errors).toEqual([]);
  });

  it('broadcast reaches every authenticated client and counts them', async () => {
    const { server } = hub();
    await server.start();
    const clients = [await connected(server), await connected(server)];
    const received = clients.map((client) => {
      const messages: unknown[] = [];
      client.on('message', (message) => messages.push(message));
      return messages;
    });
    expect(server.broadcast({ type: 'announcement', data: 'maintenance at 5' })).toBe(2);
    for (const messages of received) {
      await vi.waitFor(() =>
        expect(messages).toEqual([{ type: 'announcement', data: 'maintenance at 5' }]),
      );
    }
  });

  it('refuse what no client could read, loudly, and send nothing', async () => {
    const { server } = hub();
    await server.start();
    const client = await connected(server);
    const messages: unknown[] = [];
    client.on('message', (message) => messages.push(message));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => server.sendMessage(client.connectionId!, circular)).toThrow(/JSON/);
    expect(() => server.broadcast({ big: 1n })).toThrow(/JSON/);
    expect(() => server.broadcast(deep)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_MESSAGE }),
    );
    expect(() => server.sendMessage(client.connectionId!, undefined)).toThrow(TypeError);
    expect(server.sendMessage(client.connectionId!, 'done')).toBe(true);
    await vi.waitFor(() => expect(messages).toEqual(['done']));
  });

  it('take the ClientInfo that getConnectedClients lists wherever they take a client id', async () => {
    const { server } = hub();
    await server.start();
    const client = await connected(server);
    const messages: unknown[] = [];
    client.on('message', (message) => messages.push(message));
    expect(server.getConnectedClientIds()).toEqual([client.connectionId]);
    const [info] = server.getConnectedClients() as [ClientInfo];
    expect(server.getClient(info)?.id).toBe(client.connectionId);
    expect(server.sendMessage(info, { type: 'hello-again' })).toBe(true);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    const down = new Promise((resolve) => client.once('disconnected', resolve));
    expect(server.disconnectClient(info, 'bye')).toBe(true);
    expect(await down).toMatchObject({ code: 4006, willReconnect: false });
  });
});

describe('options nobody reads are refused', () => {
  it('WSServer and WSRouter throw a TypeError naming an unknown option', () => {
    const options = { port: 0, enablePatterns: true } as never;
    expect(() => new WSServer(options)).toThrow(/WSServer: unknown option "enablePatterns"/);
    const server = new WSServer({ port: 0 });
    expect(() => new WSRouter(server, { queueSize: 10, enablePatterns: true } as never)).toThrow(
      /WSRouter: unknown option "enablePatterns"/,
    );
  });
});
