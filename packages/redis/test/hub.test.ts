import { WSClient } from '@switchboard/client';
import type { EventFrame } from '@switchboard/protocol';
import { WSRouter, WSServer } from '@switchboard/server';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RedisEngine } from '../src/index.ts';
import { eventually, range } from './support/engines.ts';
import { freePort } from './support/redis-process.ts';
import {
  deleteLogs,
  describeWithRedis,
  probeRedis,
  REDIS_URL,
  testPrefix,
} from './support/redis-service.ts';

const redis = await probeRedis();

describeWithRedis('two hubs on one Redis', redis, () => {
  const hubs: { server: WSServer; router: WSRouter; errors: unknown[] }[] = [];
  const clients: WSClient[] = [];
  const prefixes = new Set<string>();

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
    for (const { server, router } of hubs.splice(0)) {
      await server.shutdown(500);
      await router.close();
    }
    await deleteLogs(prefixes);
    prefixes.clear();
  });

  async function startHub(keyPrefix: string) {
    prefixes.add(keyPrefix);
    const errors: unknown[] = [];
    const engine = new RedisEngine({ url: REDIS_URL, keyPrefix, onError: (e) => errors.push(e) });
    const server = new WSServer({ port: 0 });
    const router = new WSRouter(server, { engine });
    await server.start();
    const hub = { server, router, errors };
    hubs.push(hub);
    return hub;
  }

  async function stopHub(hub: Awaited<ReturnType<typeof startHub>>) {
    hubs.splice(hubs.indexOf(hub), 1);
    await hub.server.shutdown(500);
    await hub.router.close();
  }

  it('deliver to a subscriber on one hub what is published on the other, and it resumes on the other with no gap', async () => {
    const keyPrefix = testPrefix();
    const a = await startHub(keyPrefix);
    const b = await startHub(keyPrefix);
    // What a load balancer does: the subscriber's one URL leads wherever `target` says.
    let target = a.server.url;
    class Steered extends WebSocket {
      constructor(_url: string, protocols?: string | string[]) {
        super(target, protocols);
      }
    }
    const subscriber = new WSClient({
      url: 'ws://hub.invalid',
      WebSocket: Steered,
      reconnectIntervalMs: 20,
      maxReconnectIntervalMs: 50,
    });
    clients.push(subscriber);
    const publisher = new WSClient({ url: b.server.url });
    clients.push(publisher);
    const events: EventFrame[] = [];
    subscriber.on('event', (event) => events.push(event));
    const resubscribes: unknown[] = [];
    subscriber.on('subscribed', (info) => {
      if (info.resubscribe) resubscribes.push(...info.subscriptions);
    });
    const resyncs: unknown[] = [];
    subscriber.on('resync-required', (info) => resyncs.push(info));
    await subscriber.connect();
    await publisher.connect();
    await subscriber.subscribe('task.#');
    const publish = async (first: number, last: number) => {
      for (const i of range(first, last)) await publisher.publish(`task.${i % 3}.progress`, { i });
    };

    await publish(1, 5);
    await eventually(() => expect(events).toHaveLength(5));
    const epoch = b.router.epoch;
    expect(events.map((e) => [e.offset, e.epoch])).toEqual(range(1, 5).map((o) => [o, epoch]));

    // Hub A goes away; while the subscriber cannot connect anywhere, more is published.
    target = `ws://127.0.0.1:${await freePort()}`;
    const disconnected = new Promise((resolve) => subscriber.once('disconnected', resolve));
    await stopHub(a);
    await disconnected;
    await publish(6, 10);
    target = b.server.url;
    await eventually(() => expect(resubscribes).toHaveLength(1));
    expect(resubscribes[0]).toEqual({
      pattern: 'task.#',
      wasRecovering: true,
      recovered: true,
      replayed: 5,
    });
    await publish(11, 15);
    await eventually(() => expect(events).toHaveLength(15));
    expect(events.map((e) => e.offset)).toEqual(range(1, 15));
    expect(events.map((e) => (e.data as { i: number }).i)).toEqual(range(1, 15));
    expect(events.slice(5, 10).every((e) => e.replay === true)).toBe(true);
    expect(resyncs).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
