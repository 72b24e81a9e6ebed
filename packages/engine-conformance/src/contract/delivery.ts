import { type Engine, type LogEntry, SubscriptionIndex } from '@switchboard/router';
import { describe, expect } from 'vitest';
import {
  type Collector,
  collect,
  type Harness,
  headReaches,
  publish,
  range,
  yieldToEngine,
} from '../harness.ts';

/** `onEntry`: order, listeners that append or throw, and where a new listener starts. */
export function deliveryContract(h: Harness): void {
  describe('listeners', () => {
    h.test('delivers each entry once, in offset order, also when a listener appends', async () => {
      const e = await h.open();
      const first = collect(e);
      // A listener that appends must not get its entry delivered ahead of later listeners.
      const stop = e.onEntry((entry) => {
        if (entry.topic === 'outer') void publish(e, 'nested');
      });
      const second = collect(e);
      await publish(e, 'outer');
      await second.count(2);
      await first.count(2);
      stop();
      for (const seen of [first, second]) {
        expect(seen.offsets()).toEqual([1, 2]);
        expect(seen.topics()).toEqual(['outer', 'nested']);
      }
    });

    h.test('reports head() as the entry being delivered inside a listener', async () => {
      const e = await h.open();
      const heads: [number, number][] = [];
      e.onEntry((entry) => {
        heads.push([entry.offset, e.head().offset]);
        if (entry.topic === 'outer') void publish(e, 'nested');
      });
      e.onEntry((entry) => heads.push([entry.offset, e.head().offset]));
      await publish(e, 'outer');
      await headReaches(e, 2);
      expect(heads).toEqual([
        [1, 1],
        [1, 1],
        [2, 2],
        [2, 2],
      ]);
    });

    h.test(
      'reports a throwing listener without failing the append or starving others',
      async () => {
        const e = await h.open();
        e.onEntry(() => {
          throw new Error('boom');
        });
        const seen = collect(e);
        await expect(publish(e, 'a')).resolves.toMatchObject({ duplicate: false });
        await seen.count(1);
        expect(seen.topics()).toEqual(['a']);
        expect(h.takeErrors()).toEqual([new Error('boom')]);
        seen.stop();
        // Removing twice is harmless.
        seen.stop();
        const later = collect(e);
        await publish(e, 'b');
        await later.count(1);
        expect(seen.topics()).toEqual(['a']);
        expect(h.takeErrors()).toEqual([new Error('boom')]);
      },
    );

    h.test('starts a new listener after the head at the time it was added', async () => {
      const e = await h.open();
      for (let i = 0; i < 3; i++) await publish(e, 'a');
      await headReaches(e, 3);
      const late = collect(e);
      await publish(e, 'b');
      await publish(e, 'c');
      await late.count(2);
      expect(late.offsets()).toEqual([4, 5]);
    });
  });

  describe('head() and onEntry', () => {
    for (const writer of ['this instance', 'a peer'] as const) {
      const needs = writer === 'a peer' ? (['peer'] as const) : [];
      h.test(
        `meet without gap or overlap while ${writer} appends concurrently`,
        () => boundary(h, writer === 'a peer'),
        needs,
      );
      h.test(
        `deliver what the interest matches while ${writer} appends and it changes`,
        () => interestDelivery(h, writer === 'a peer'),
        needs,
      );
    }
  });
}

interface Sample {
  head: number;
  /** Added in the same synchronous step as `head` was read, as the router subscribes. */
  late: Collector;
  /** Entries the first listener had when the sample was taken. */
  before: number;
}

async function writerFor(h: Harness, e: Engine, peer: boolean): Promise<Engine> {
  return peer ? h.peerOf(e) : e;
}

/**
 * The replay/live boundary: whatever head() says, entries up to it are readable and were
 * delivered, and entries after it reach every listener added at that moment, exactly once.
 */
async function boundary(h: Harness, peer: boolean): Promise<void> {
  const total = 200;
  const e = await h.open({ historySize: 10_000 });
  const writer = await writerFor(h, e, peer);
  const all = collect(e);
  const samples: Sample[] = [];
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    appends.push(publish(writer, `t.${i % 5}`));
    if (i % 7 === 3) await yieldToEngine();
    if (i % 10 === 0) {
      samples.push({ head: e.head().offset, late: collect(e), before: all.entries.length });
    }
  }
  await Promise.all(appends);
  await all.count(total);
  expect(all.offsets()).toEqual(range(1, total));
  const read = await e.read({ after: 0, patterns: ['#'], limit: total });
  expect(read.entries.map((entry) => entry.offset)).toEqual(range(1, total));
  for (const { head, late, before } of samples) {
    // Up to the head: delivered already (and readable, above); after it: delivered later.
    expect(all.offsets().slice(0, before)).toEqual(range(1, head));
    await late.count(total - head);
    expect(late.offsets()).toEqual(range(head + 1, total));
  }
}

/** Every entry a held pattern matches is delivered, from the head at which it was added. */
async function interestDelivery(h: Harness, peer: boolean): Promise<void> {
  const interest = new SubscriptionIndex<string>();
  interest.add('a.#', 'c1');
  const e = await h.create();
  e.setInterest(interest);
  await e.open();
  const writer = await writerFor(h, e, peer);
  const seen = collect(e);
  const appends: Promise<{ entry: LogEntry }>[] = [];
  let addedAt = -1;
  for (let i = 0; i < 60; i++) {
    appends.push(publish(writer, i % 2 === 0 ? `a.${i}` : `b.${i}`));
    if (i % 5 === 2) await yieldToEngine();
    if (i === 30) {
      interest.add('b.#', 'c2');
      addedAt = e.head().offset;
    }
  }
  // Overlapping patterns: removing one must not stop what the other still matches.
  interest.add('a.x', 'c3');
  interest.remove('a.x', 'c3');
  appends.push(publish(writer, 'a.x'));
  const entries = (await Promise.all(appends)).map((outcome) => outcome.entry);
  const last = entries.at(-1)!;
  await seen.until((got) => got.some((entry) => entry.offset === last.offset));
  const offsets = seen.offsets();
  expect(offsets).toEqual([...new Set(offsets)].sort((x, y) => x - y));
  const wanted = entries.filter(
    (entry) =>
      entry.topic.startsWith('a.') || (entry.topic.startsWith('b.') && entry.offset > addedAt),
  );
  const delivered = new Set(offsets);
  expect(wanted.filter((entry) => !delivered.has(entry.offset))).toEqual([]);
}
