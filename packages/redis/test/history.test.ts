import Redis from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { logKeys } from '../src/scripts.ts';
import { engineFixture, range } from './support/engines.ts';
import { describeWithRedis, probeRedis, REDIS_URL } from './support/redis-service.ts';

const redis = await probeRedis();

/** What only this engine promises about history, dedupe and retained state in Redis. */
describeWithRedis('RedisEngine history and retained state', redis, () => {
  const engines = engineFixture();
  afterEach(() => engines.closeAll());

  function clock() {
    let now = 1_700_000_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }

  it('appends a retried id anew once its original aged out, and remembers the new one', async () => {
    const time = clock();
    const { engine } = engines.make({ historyTtlMs: 1_000, now: time.now });
    await engine.open();
    await engine.append({ id: 'x', topic: 'a', data: 1 });
    time.advance(1_001);
    const again = await engine.append({ id: 'x', topic: 'a', data: 2 });
    expect(again).toMatchObject({ duplicate: false, entry: { offset: 2, data: 2 } });
    const third = await engine.append({ id: 'x', topic: 'a', data: 3 });
    expect(third).toEqual({ duplicate: true, entry: again.entry });
  });

  it('bounds history by bytes, always keeping the newest entry', async () => {
    // Each entry is about 60 bytes of key, topic and payload.
    const { engine } = engines.make({ historyBytes: 200 });
    await engine.open();
    for (const i of range(1, 10))
      await engine.append({ id: `m${i}`, topic: 't', data: 'x'.repeat(20) });
    const read = await engine.read({ after: 0, patterns: ['#'], limit: 100 });
    expect(read.entries.length).toBeGreaterThanOrEqual(2);
    expect(read.entries.length).toBeLessThanOrEqual(4);
    expect(read.entries.at(-1)!.offset).toBe(10);
    expect(read.complete).toBe(false);
    const big = await engine.append({ id: 'big', topic: 't', data: 'y'.repeat(1_000) });
    const after = await engine.read({ after: 0, patterns: ['#'], limit: 100 });
    expect(after.entries).toEqual([big.entry]);
  });

  it('keeps last values beyond history for the most recently updated topics only', async () => {
    const { engine } = engines.make({ historySize: 2, maxRetainedTopics: 3 });
    await engine.open();
    for (const i of range(1, 6)) await engine.append({ id: `m${i}`, topic: `job.${i}`, data: i });
    // History holds job.5 and job.6; job.2..4 are retained; job.1 was dropped.
    expect((await engine.lastValues('job.*', 10)).map((e) => e.topic)).toEqual(
      range(2, 6).map((i) => `job.${i}`),
    );
    expect(await engine.lastValues('job.1', 1)).toEqual([]);
    expect((await engine.lastValues('job.3', 1))[0]).toMatchObject({ data: 3, offset: 3 });
    expect(engine.stats()).toMatchObject({ historySize: 2, topics: 5, pruned: 1 });
    // A retained topic continues its sequence; a dropped one continues above it; a new one
    // starts at 1.
    expect((await engine.append({ id: 'r', topic: 'job.3', data: 'r' })).entry.sequenceNumber).toBe(
      2,
    );
    const back = await engine.append({ id: 'b', topic: 'job.1', data: 'b' });
    expect(back.entry.sequenceNumber).toBe(back.entry.offset);
    expect(
      (await engine.append({ id: 'n', topic: 'job.new', data: 'n' })).entry.sequenceNumber,
    ).toBe(1);
  });

  it('counts retained bytes as Redis holds them, and a log from before them from zero', async () => {
    const { engine } = engines.make({ historySize: 1 });
    await engine.open();
    for (const i of range(1, 5)) {
      await engine.append({ id: `m${i}`, topic: `job.${i}`, data: 'x'.repeat(100 * i) });
    }
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
    try {
      const [, meta, , , , retainedKey] = logKeys(engine.keyPrefix);
      const stored = async () => {
        const values = await client.hgetall(retainedKey!);
        return Object.entries(values).reduce(
          (sum, [topic, value]) => sum + Buffer.byteLength(topic) + Buffer.byteLength(value),
          0,
        );
      };
      // job.1..4 are past history; their bytes are what the hash holds.
      expect(engine.stats().retainedBytes).toBe(await stored());
      expect(engine.stats().retainedBytes).toBeGreaterThan(1_000);
      expect(engine.stats().historyBytes).toBe(Number(await client.hget(meta!, 'bytes')));
      // A log written before retained bytes were counted: they start from 0, never below.
      await client.hdel(meta!, 'rbytes');
      await engine.append({ id: 'again', topic: 'job.1', data: null });
      // job.1's value (uncounted) left the count without taking it below 0; job.5's joined.
      const job5 = await client.hstrlen(retainedKey!, 'job.5');
      expect(engine.stats().retainedBytes).toBe('job.5'.length + job5);
    } finally {
      client.disconnect();
    }
  });

  it('scans many topics for a wildcard lastValues, newest first, up to the limit', async () => {
    const { engine } = engines.make();
    await engine.open();
    await Promise.all(
      range(1, 2_500).map((i) =>
        engine.append({ id: `m${i}`, topic: `agent.${i}.status`, data: i }),
      ),
    );
    await engine.append({ id: 'last', topic: 'other.1', data: 0 });
    const values = await engine.lastValues('agent.*.status', 3);
    expect(values.map((e) => e.offset)).toEqual([2_498, 2_499, 2_500]);
    expect(await engine.lastValues('nothing.#', 5)).toEqual([]);
  });
});
