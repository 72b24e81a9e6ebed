import type { ServerFrame } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { SLAB_CHUNK_BYTES } from './frame-slab.ts';
import { useHubFixture } from './test-support/fixture.ts';
import type { RawPeer } from './test-support/raw-peer.ts';
import type { WSRouter } from './ws-router.ts';

const { hub, welcomed } = useHubFixture();

async function subscriber(url: string, topics: string[]): Promise<RawPeer> {
  const peer = await welcomed(url);
  peer.send({ type: 'subscribe', id: 's', topics });
  await peer.next('ack', 's');
  return peer;
}

/** Waits until `peer` has received `count` event frames; returns them and the other frames. */
async function received(peer: RawPeer, count: number) {
  const events: Extract<ServerFrame, { type: 'event' }>[] = [];
  while (events.length < count) events.push(await peer.next('event'));
  return events;
}

const dataOf = (events: Extract<ServerFrame, { type: 'event' }>[]) => events.map((e) => e.data);

/**
 * Publishes `count` events in one turn of the event loop, as a burst of publishers would:
 * they all reach the sockets in the same flush.
 */
function burst(router: WSRouter, count: number, topicOf: (i: number) => string, size = 0) {
  const pad = 'p'.repeat(size);
  return Promise.all(
    Array.from({ length: count }, (_, i) => router.publish(topicOf(i), { i, pad })),
  );
}

describe('fan-out of events published in the same turn', () => {
  it('each subscriber gets exactly its events, in order, when topics interleave', async () => {
    const { server, router } = await hub();
    const evens = await subscriber(server.url, ['n.even']);
    const all = await subscriber(server.url, ['n.*']);
    const both = await subscriber(server.url, ['n.even', 'n.odd', '#']);
    await burst(router, 300, (i) => (i % 2 === 0 ? 'n.even' : 'n.odd'));
    const expectedEvens = Array.from({ length: 150 }, (_, k) => 2 * k);
    expect(dataOf(await received(evens, 150)).map((d) => (d as { i: number }).i)).toEqual(
      expectedEvens,
    );
    for (const peer of [all, both]) {
      const events = await received(peer, 300);
      expect(events.map((e) => (e.data as { i: number }).i)).toEqual(
        Array.from({ length: 300 }, (_, i) => i),
      );
      // Offsets are the hub's, strictly increasing.
      expect(events.every((e, k) => k === 0 || e.offset > events[k - 1]!.offset)).toBe(true);
    }
  });

  it('a burst larger than one slab chunk arrives whole and in order', async () => {
    const { server, router } = await hub();
    const peer = await subscriber(server.url, ['big.#']);
    const count = 400;
    const size = Math.ceil((3 * SLAB_CHUNK_BYTES) / count);
    await burst(router, count, (i) => `big.${i % 7}`, size);
    const events = await received(peer, count);
    expect(events.map((e) => (e.data as { i: number }).i)).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
  });

  it('a burst past queueSize drops the oldest and says exactly which offsets went', async () => {
    const { server, router } = await hub({}, { queueSize: 50 });
    const peer = await subscriber(server.url, ['q.#']);
    const acks = await burst(router, 200, () => 'q.x');
    const notice = await peer.next('dropped');
    expect(notice).toMatchObject({
      fromOffset: acks[0]!.offset,
      toOffset: acks[149]!.offset,
      count: 150,
    });
    const events = await received(peer, 50);
    expect(events.map((e) => e.offset)).toEqual(acks.slice(150).map((ack) => ack.offset));
  });

  it('replies and events keep their order on one connection', async () => {
    const { server, router } = await hub();
    const peer = await subscriber(server.url, ['r.#']);
    const order: string[] = [];
    peer.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      order.push(frame.type === 'event' ? `e${(frame.data as { i: number }).i}` : frame.type);
    });
    const first = burst(router, 3, () => 'r.a');
    peer.send({ type: 'publish', id: 'p', topic: 'r.b', data: { i: 99 }, echo: false });
    await peer.reply('p');
    await first;
    const second = burst(router, 3, (i) => `r.${i}`);
    await second;
    await received(peer, 6);
    const acked = order.indexOf('ack');
    expect(order.filter((x) => x !== 'ack')).toEqual(['e0', 'e1', 'e2', 'e0', 'e1', 'e2']);
    expect(acked).toBeGreaterThanOrEqual(3);
  });
});

describe('backpressure on publishers', () => {
  it('pauses a publisher while a fan-out is written in slices, and loses nothing', async () => {
    // A slice of 0 ms yields every 32 sockets, so each publish to 200 subscribers spans
    // several turns and the publisher's next frames arrive while the writes are behind.
    const { server } = await hub({ flushSliceMs: 0 });
    const subscribers = await Promise.all(
      Array.from({ length: 200 }, () => subscriber(server.url, ['bp.#'])),
    );
    const counts = subscribers.map(() => 0);
    const inOrder = subscribers.map(() => true);
    subscribers.forEach((peer, k) => {
      peer.socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as ServerFrame;
        if (frame.type !== 'event') return;
        if ((frame.data as { i: number }).i !== counts[k]) inOrder[k] = false;
        counts[k]! += 1;
      });
    });
    const publisher = await welcomed(server.url);
    const total = 150;
    let acks = 0;
    publisher.socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as ServerFrame).type === 'ack') acks += 1;
    });
    for (let i = 0; i < total; i++) {
      publisher.send({ type: 'publish', id: `p${i}`, topic: 'bp.x', data: { i } });
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await expect.poll(() => Math.min(...counts), { timeout: 20_000 }).toBe(total);
    await expect.poll(() => acks, { timeout: 5_000 }).toBe(total);
    expect(inOrder.every(Boolean)).toBe(true);
    expect(Math.max(...counts)).toBe(total);
    const stats = server.stats();
    expect(stats.readPauses).toBeGreaterThan(0);
    await expect.poll(() => server.stats().pausedReads).toBe(0);
  });
});
