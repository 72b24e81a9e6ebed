import { WSClient } from '@switchboard/client';
import { describe, expect, it } from 'vitest';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, welcomed } = useHubFixture();

/** Publishes `count` events on topics made by `topic(i)`; resolves when all are in the log. */
async function publishMany(
  router: { publish(topic: string, data: unknown): Promise<unknown> },
  count: number,
  topic: (i: number) => string,
): Promise<void> {
  for (let i = 0; i < count; i++) await router.publish(topic(i), { i });
}

describe('subscribe outcomes count per pattern', () => {
  it('resuming two patterns with 21 and 4 missed events reports 21 and 4, not 25 each', async () => {
    const { url, router } = await hub();
    const p = await welcomed(url);
    const start = router.engine.head();
    await publishMany(router, 21, (i) => `task.t${i}.completed`);
    await publishMany(router, 4, (i) => `swarm.s${i}.vote`);
    await publishMany(router, 3, (i) => `agent.a${i}.status`); // matches neither
    p.send({
      type: 'subscribe',
      id: 's1',
      topics: ['task.*.completed', 'swarm.#'],
      position: { epoch: start.epoch, offset: start.offset },
    });
    const ack = await p.next('ack', 's1');
    expect(ack.subscriptions).toEqual([
      { pattern: 'task.*.completed', wasRecovering: true, recovered: true, replayed: 21 },
      { pattern: 'swarm.#', wasRecovering: true, recovered: true, replayed: 4 },
    ]);
    await expect.poll(() => p.frames.filter((frame) => frame.type === 'event').length).toBe(25);
  });

  it('an event matching two patterns is delivered once and counted under each', async () => {
    const { url, router } = await hub();
    const p = await welcomed(url);
    await publishMany(router, 2, (i) => `agent.a${i}.status`); // both patterns
    await router.publish('agent.a0.logs', 'x'); // agent.# only
    p.send({ type: 'subscribe', id: 's1', topics: ['agent.#', 'agent.*.status'], since: 0 });
    const ack = await p.next('ack', 's1');
    expect(ack.subscriptions).toEqual([
      { pattern: 'agent.#', wasRecovering: true, recovered: true, replayed: 3 },
      { pattern: 'agent.*.status', wasRecovering: true, recovered: true, replayed: 2 },
    ]);
    const marker = await router.publish('agent.a9.status', 'live');
    await expect
      .poll(() =>
        p.frames.some((frame) => frame.type === 'event' && frame.offset === marker.offset),
      )
      .toBe(true);
    const offsets = p.frames.flatMap((frame) => (frame.type === 'event' ? [frame.offset] : []));
    expect(offsets).toEqual([1, 2, 3, 4]);
  });

  it("since: 'last' counts each pattern's retained values", async () => {
    const { url, router } = await hub();
    const p = await welcomed(url);
    await router.publish('task.t1.completed', 1);
    await router.publish('task.t2.completed', 2);
    await router.publish('swarm.s1.vote', 3);
    p.send({ type: 'subscribe', id: 's1', topics: ['task.*.completed', 'swarm.#'], since: 'last' });
    const ack = await p.next('ack', 's1');
    expect(ack.subscriptions).toEqual([
      { pattern: 'task.*.completed', wasRecovering: true, recovered: true, replayed: 2 },
      { pattern: 'swarm.#', wasRecovering: true, recovered: true, replayed: 1 },
    ]);
  });
});

describe('wasRecovering says the subscribe asked for history', () => {
  it('is true for since (as for position) and false for a plain subscribe', async () => {
    const { url, router } = await hub();
    const p = await welcomed(url);
    await router.publish('a.1', 1);
    p.send({ type: 'subscribe', id: 'plain', topics: ['b.#'] });
    p.send({ type: 'subscribe', id: 'since', topics: ['a.#'], since: 0 });
    p.send({ type: 'subscribe', id: 'ahead', topics: ['c.#'], since: 99 });
    expect((await p.next('ack', 'plain')).subscriptions?.[0]?.wasRecovering).toBe(false);
    expect((await p.next('ack', 'since')).subscriptions).toEqual([
      { pattern: 'a.#', wasRecovering: true, recovered: true, replayed: 1 },
    ]);
    expect((await p.next('ack', 'ahead')).subscriptions).toEqual([
      { pattern: 'c.#', wasRecovering: true, recovered: true, replayed: 0 },
    ]);
  });

  it('is true with recovered: false when since reaches past the retained history', async () => {
    const { url, router } = await hub({}, { history: { historySize: 5 } });
    const p = await welcomed(url);
    await publishMany(router, 20, (i) => `a.${i}`);
    p.send({ type: 'subscribe', id: 's1', topics: ['a.#'], since: 0 });
    expect((await p.next('ack', 's1')).subscriptions).toEqual([
      { pattern: 'a.#', wasRecovering: true, recovered: false, replayed: 0 },
    ]);
  });
});

describe('the client reads wasRecovering', () => {
  it('a since subscription past the retained history fires resync-required', async () => {
    const { url, router } = await hub({}, { history: { historySize: 5 } });
    await publishMany(router, 20, (i) => `a.${i}`);
    const client = new WSClient({ url });
    try {
      await client.connect();
      const resync = new Promise((resolve) => client.once('resync-required', resolve));
      const outcomes = await client.subscribe('a.#', { since: 0 });
      expect(outcomes).toEqual([
        { pattern: 'a.#', wasRecovering: true, recovered: false, replayed: 0 },
      ]);
      expect(await resync).toMatchObject({ reason: 'history-exhausted', patterns: ['a.#'] });
    } finally {
      await client.disconnect();
    }
  });
});
