import { WSClient } from '@switchboard/client';
import { ErrorCode, type EventFrame } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WSRouter } from './ws-router.ts';
import { WSServer } from './ws-server.ts';

const servers: WSServer[] = [];
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  await Promise.all(servers.splice(0).map((server) => server.shutdown(500)));
});

async function startServer(port = 0, options: ConstructorParameters<typeof WSServer>[0] = {}) {
  const server = new WSServer({ port, ...options });
  const router = new WSRouter(server);
  await server.start();
  servers.push(server);
  return { server, router };
}

function client(options: ConstructorParameters<typeof WSClient>[0]): WSClient {
  const created = new WSClient(options);
  clients.push(created);
  return created;
}

describe('WSClient and permessage-deflate', () => {
  it('offers it by default and gets compressed events; perMessageDeflate: false offers nothing', async () => {
    const { server, router } = await startServer(0, { perMessageDeflate: true });
    const offering = client({ url: server.url });
    const plain = client({ url: server.url, perMessageDeflate: false });
    await Promise.all([offering.connect(), plain.connect()]);
    const extensions = (c: WSClient) => server.getConnection(c.connectionId!)?.socket.extensions;
    expect(extensions(offering)).toBe('permessage-deflate');
    expect(extensions(plain)).toBe('');
    const data = { log: 'line of a repetitive log\n'.repeat(2_000) };
    const received: unknown[] = [];
    for (const c of [offering, plain]) {
      await c.subscribe(['logs.#']);
      c.on('event', (event) => received.push(event.data));
    }
    await offering.publish('logs.a', data);
    await router.publish('logs.b', data);
    await expect.poll(() => received.length).toBe(4);
    expect(received).toEqual([data, data, data, data]);
  });
});

describe('WSClient against the real hub', () => {
  it('connects, subscribes with wildcards, publishes and gets events with positions', async () => {
    const { server, router } = await startServer();
    const subscriber = client({ url: server.url });
    const publisher = client({ url: server.url });
    await Promise.all([subscriber.connect(), publisher.connect()]);
    await subscriber.subscribe(['agent.*.status']);
    const received: EventFrame[] = [];
    subscriber.on('event', (event) => received.push(event));
    const perTopic: unknown[] = [];
    subscriber.on('event:agent.42.status', (event) => perTopic.push(event.data));
    const ack = await publisher.publish('agent.42.status', { state: 'busy' });
    expect(ack).toMatchObject({ sequenceNumber: 1, epoch: router.epoch, duplicate: false });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toMatchObject({
      topic: 'agent.42.status',
      sequenceNumber: 1,
      offset: ack.offset,
    });
    expect(perTopic).toEqual([{ state: 'busy' }]);
  });

  it('rejects connect() promptly with AUTHENTICATION_FAILED on a bad token', async () => {
    const { server } = await startServer(0, { authenticate: (token) => token === 'good' });
    const refused = client({ url: server.url, token: 'bad', connectTimeoutMs: 60_000 });
    const started = Date.now();
    await expect(refused.connect()).rejects.toMatchObject({
      code: ErrorCode.AUTHENTICATION_FAILED,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const accepted = client({ url: server.url, token: 'good' });
    await accepted.connect();
    expect(accepted.isConnected).toBe(true);
  });

  it('rejects sendAndWait at once on an error reply and resolves request on a response', async () => {
    const { server, router } = await startServer();
    router.route({ method: 'echo', handler: (data) => data });
    const caller = client({ url: server.url });
    await caller.connect();
    expect(await caller.request('echo', { n: 1 })).toEqual({ n: 1 });
    await expect(
      caller.sendAndWait({ type: 'request', method: 'missing', data: null }),
    ).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    await expect(caller.publish('bad.*', 1)).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
    });
  });

  it('after the hub is killed and restarted on the same port: reconnects, resubscribes, flushes its queue', async () => {
    const first = await startServer();
    const port = first.server.port;
    const agent = client({
      url: first.server.url,
      reconnectIntervalMs: 20,
      maxReconnectIntervalMs: 100,
    });
    await agent.connect();
    await agent.subscribe(['job.#']);
    const reconnected = new Promise<void>((resolve) => agent.once('connected', () => resolve()));

    await first.server.shutdown(500);
    await first.router.close();
    servers.splice(servers.indexOf(first.server), 1);
    // Published while the hub is down: queued, then sent in order after the resubscribe.
    const queued = [1, 2, 3].map((n) => agent.publish(`job.${n}`, n));
    const data: unknown[] = [];
    agent.on('event', (event) => data.push(event.data));

    const second = await startServer(port);
    await reconnected;
    const acks = await Promise.all(queued);
    expect(acks.map((a) => a.epoch)).toEqual([
      second.router.epoch,
      second.router.epoch,
      second.router.epoch,
    ]);
    expect(acks.map((a) => a.offset)).toEqual([1, 2, 3]);
    await expect.poll(() => data).toEqual([1, 2, 3]);
    expect(second.router.getSubscriptions(agent.connectionId!)).toEqual(['job.#']);
  });
});
