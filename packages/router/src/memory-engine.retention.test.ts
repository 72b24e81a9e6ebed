import { describe, expect, it } from 'vitest';
import { engine, exposeGc, publish } from '../test/support/engine.ts';
import { SubscriptionIndex } from './subscription-index.ts';

describe('MemoryEngine retained values', () => {
  it('keeps the last value of an in-use topic after its history is trimmed', async () => {
    const inUse = new Set(['task.1.status']);
    const e = engine({ historySize: 2, isTopicInUse: (t) => inUse.has(t) });
    await publish(e, 'task.1.status', 'running');
    await publish(e, 'task.1.status', 'done');
    await publish(e, 'task.2.status', 'done');
    for (let i = 0; i < 5; i++) await publish(e, `noise.${i}`);
    expect(e.stats().historySize).toBe(2);
    expect((await e.lastValues('task.1.status', 1)).map((v) => v.data)).toEqual(['done']);
    // Not in use: pruned with its history.
    expect(await e.lastValues('task.2.status', 1)).toEqual([]);
    const values = await e.lastValues('task.#', 10);
    expect(values.map((v) => v.topic)).toEqual(['task.1.status']);
  });

  it('bounds topics kept without history by maxRetainedTopics, least recently updated first', async () => {
    const e = engine({ historySize: 1, maxRetainedTopics: 3, isTopicInUse: () => true });
    for (let i = 0; i < 10; i++) await publish(e, `t.${i}`);
    // One topic in history plus three retained.
    expect(e.stats().topics).toBe(4);
    expect(await e.lastValues('t.5', 1)).toEqual([]);
    expect((await e.lastValues('t.6', 1)).map((v) => v.offset)).toEqual([7]);
  });

  it('takes the topics in use from setInterest, which replaces isTopicInUse', async () => {
    const index = new SubscriptionIndex<string>();
    index.add('keep.#', 'c1');
    const e = engine({ historySize: 1, isTopicInUse: () => true });
    e.setInterest(index);
    await publish(e, 'keep.1', 'kept');
    await publish(e, 'other', 'dropped');
    await publish(e, 'noise');
    expect((await e.lastValues('keep.1', 1)).map((v) => v.data)).toEqual(['kept']);
    // The option said everything is in use; the interest does not hold `other`.
    expect(await e.lastValues('other', 1)).toEqual([]);
    // Once the last subscriber leaves, the incremental sweep prunes it within a few appends.
    index.remove('keep.#', 'c1');
    for (let i = 0; i < 3; i++) await publish(e, 'noise');
    expect(await e.lastValues('keep.1', 1)).toEqual([]);
    expect(e.stats()).toMatchObject({ topics: 1, pruned: 2 });
  });
});

describe('MemoryEngine lingering topics', () => {
  it('asks the interest about lingering topics again only after a pattern was removed', async () => {
    const index = new SubscriptionIndex<string>();
    index.add('#', 'recorder');
    index.add('agent.#', 'dashboard');
    let asked = 0;
    const interest = {
      hasMatch: (topic: string) => {
        asked++;
        return index.hasMatch(topic);
      },
      patterns: () => index.patterns(),
      listen: index.listen.bind(index),
    };
    const e = engine({ historySize: 1 });
    e.setInterest(interest);
    // Every topic lingers: `#` holds them all.
    for (let i = 0; i < 50; i++) await publish(e, `agent.${i}.status`);
    asked = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 50; i++) await publish(e, `agent.${i}.status`);
    }
    // One check per topic leaving history; no sweep while nothing was removed.
    expect(asked).toBe(200);
    expect(e.stats().topics).toBe(50);
    // A pattern that goes away with others still holding every topic: one pass, then quiet.
    index.remove('agent.#', 'dashboard');
    asked = 0;
    for (let i = 0; i < 100; i++) await publish(e, `other.${i % 2}`);
    const afterPass = asked;
    for (let i = 0; i < 100; i++) await publish(e, `other.${i % 2}`);
    expect(asked - afterPass).toBe(100);
    expect(e.stats().topics).toBe(52);
    // The last subscriber leaves: the sweep prunes every lingering topic.
    index.remove('#', 'recorder');
    for (let i = 0; i < 60; i++) await publish(e, 'noise');
    expect(e.stats().topics).toBe(1);
  });
});

describe('MemoryEngine topic pruning', () => {
  it('prunes a topic once its history is gone and it is no longer in use', async () => {
    const inUse = new Set(['keep']);
    const e = engine({ historySize: 1, isTopicInUse: (t) => inUse.has(t) });
    await publish(e, 'keep');
    await publish(e, 'other');
    expect(e.stats().topics).toBe(2);
    inUse.clear();
    // The incremental sweep finds it within a few appends.
    for (let i = 0; i < 3; i++) await publish(e, 'other');
    expect(e.stats().topics).toBe(1);
    expect(e.stats().pruned).toBe(1);
  });

  it('never repeats a sequence number for a topic that was pruned and reappears', async () => {
    const e = engine({ historySize: 3 });
    const seen = new Map<string, number>();
    let brandNew = 0;
    for (let i = 0; i < 5_000; i++) {
      // A few recurring topics among fresh ones, so recurring topics get pruned between uses.
      const topic = i % 7 === 0 ? `fresh.${i}` : `task.${(i * 13) % 11}`;
      const { entry } = await publish(e, topic);
      const previous = seen.get(topic);
      if (previous === undefined) {
        if (topic.startsWith('fresh.')) brandNew += entry.sequenceNumber === 1 ? 1 : 0;
      } else {
        expect(entry.sequenceNumber).toBeGreaterThan(previous);
      }
      expect(entry.sequenceNumber).toBeLessThanOrEqual(entry.offset);
      seen.set(topic, entry.sequenceNumber);
    }
    expect(e.stats().pruned).toBeGreaterThan(1000);
    // New topics still start at 1 (the Bloom filter of pruned topics has room).
    expect(brandNew).toBe(Math.ceil(5_000 / 7));
  });

  it('continues the counter when a topic with history is published again', async () => {
    const e = engine({ historySize: 1 });
    await publish(e, 'a');
    // Appending to `a` evicts `a`'s previous entry; the counter must survive that.
    expect((await publish(e, 'a')).entry.sequenceNumber).toBe(2);
    await publish(e, 'b');
    const again = await publish(e, 'a');
    expect(again.entry.sequenceNumber).toBe(again.entry.offset);
  });

  it('keeps topic state and heap bounded with a million distinct topics', async () => {
    const gc = await exposeGc();
    const e = engine({ historySize: 10_000 });
    let maxTopics = 0;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) {
      await e.append({ id: `m${i}`, topic: `task.${i}.done`, data: i });
      if (i % 10_000 === 0) maxTopics = Math.max(maxTopics, e.stats().topics);
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    const stats = e.stats();
    expect(maxTopics).toBeLessThanOrEqual(10_000);
    expect(stats.topics).toBe(10_000);
    expect(stats.historySize).toBe(10_000);
    expect(stats.pruned).toBe(990_000);
    // History, dedupe ids and topic state for 10k entries plus the 1 MiB filter; a leak of
    // per-topic state would be hundreds of MB.
    expect(grown).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);
});
