import { SubscriptionIndex } from '@switchboard/router';
import { describe, expect } from 'vitest';
import { type Harness, publish, publishDelivered, range } from '../harness.ts';

const KiB = 1024;

/**
 * History and retained values bounded by bytes. Each engine counts bytes its own way (an
 * estimate of the heap, the stored serialized form), so the tests only rely on what every
 * measure must give: an entry counts at least its string data's length, and at most a
 * little more for its id, topic and bookkeeping.
 */
export function bytesContract(h: Harness): void {
  describe('byte bounds', () => {
    h.test('reports the bytes of history in stats, each entry at least its data', async () => {
      const e = await h.open();
      for (let i = 0; i < 3; i++) await publish(e, 'a', 'x'.repeat(KiB));
      const stats = e.stats();
      expect(stats.historyBytes).toBeGreaterThanOrEqual(3 * KiB);
      expect(stats.historyBytes).toBeLessThan(6 * KiB);
      expect(stats.retainedBytes).toBe(0);
    });

    h.test('bounds history by bytes, always keeping the newest entry', async () => {
      const bound = 64 * KiB;
      const e = await h.open({ historyBytes: bound });
      for (let i = 0; i < 20; i++) await publishDelivered(e, 'a', 'x'.repeat(8 * KiB));
      const { historySize, historyBytes } = e.stats();
      // Eight entries of 8 KiB data and more do not fit in 64 KiB; six fit in any measure.
      expect(historySize).toBeGreaterThanOrEqual(6);
      expect(historySize).toBeLessThanOrEqual(7);
      expect(historyBytes).toBeLessThanOrEqual(bound);
      expect(historyBytes).toBeGreaterThanOrEqual(historySize * 8 * KiB);
      const read = await e.read({ after: 0, patterns: ['#'], limit: 100 });
      expect(read.entries.map((entry) => entry.offset)).toEqual(range(21 - historySize, 20));
      expect(read.complete).toBe(false);

      // Larger than the bound on its own: it stays, alone.
      const big = await publishDelivered(e, 'a', 'y'.repeat(100 * KiB));
      const alone = await e.read({ after: 0, patterns: ['#'], limit: 100 });
      expect(alone.entries).toEqual([big.entry]);
      expect(e.stats()).toMatchObject({ historySize: 1 });
      expect(e.stats().historyBytes).toBeGreaterThanOrEqual(100 * KiB);
      // And goes as soon as anything follows it.
      const small = await publishDelivered(e, 'a', 'z');
      expect((await e.read({ after: 0, patterns: ['#'], limit: 100 })).entries).toEqual([
        small.entry,
      ]);
      expect(e.stats().historyBytes).toBeLessThan(KiB);
    }, ['historyBytes']);

    h.test('bounds the last values kept past history by bytes, least recently updated first', async () => {
      const bound = 40 * KiB;
      const interest = new SubscriptionIndex<string>();
      interest.add('keep.#', 'dashboard');
      const e = await h.create({ historySize: 1, retainedBytes: bound });
      e.setInterest(interest);
      await e.open();
      const step = (topic: string, data: unknown = null) => publishDelivered(e, topic, data);
      for (let i = 1; i <= 8; i++) await step(`keep.${i}`, 'v'.repeat(8 * KiB));
      await step('noise');
      const kept = (await e.lastValues('keep.#', 100)).map((entry) => entry.topic);
      // Five values of 8 KiB do not fit in 40 KiB; three fit in any measure.
      expect(kept.length).toBeGreaterThanOrEqual(3);
      expect(kept.length).toBeLessThanOrEqual(4);
      expect(kept).toEqual(range(9 - kept.length, 8).map((i) => `keep.${i}`));
      const { retainedBytes } = e.stats();
      expect(retainedBytes).toBeLessThanOrEqual(bound);
      expect(retainedBytes).toBeGreaterThanOrEqual(kept.length * 8 * KiB);

      // A value larger than the bound on its own is not kept, and takes no other with it.
      await step('keep.huge', 'h'.repeat(64 * KiB));
      await step('noise');
      expect(await e.lastValues('keep.huge', 1)).toEqual([]);
      expect((await e.lastValues('keep.#', 100)).map((entry) => entry.topic)).toEqual(kept);
      // A topic that kept its value kept its sequence too.
      expect((await step('keep.8', 'again')).entry.sequenceNumber).toBe(2);
    }, ['retainedBytes']);
  });
}
