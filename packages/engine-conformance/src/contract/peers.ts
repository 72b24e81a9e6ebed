import { describe, expect } from 'vitest';
import { collect, type Harness, headReaches, publish, range } from '../harness.ts';

/** Two instances on one log, as two hub nodes on one backend (capability `peer`). */
export function peersContract(h: Harness): void {
  const test = (name: string, body: () => Promise<void>) => h.test(name, body, ['peer']);

  describe('instances sharing one log', () => {
    test('deliver and read every append of either instance, in offset order, in one epoch', async () => {
      const a = await h.open();
      const b = await h.peerOf(a);
      expect(b.epoch).toBe(a.epoch);
      const seenA = collect(a);
      const seenB = collect(b);
      const outcomes = await Promise.all(
        range(1, 40).map((i) => publish(i % 2 === 0 ? a : b, `t.${i % 3}`, i)),
      );
      const offsets = outcomes.map((outcome) => outcome.entry.offset).sort((x, y) => x - y);
      expect(offsets).toEqual(range(1, 40));
      await seenA.count(40);
      await seenB.count(40);
      expect(seenA.offsets()).toEqual(range(1, 40));
      expect(seenB.entries).toEqual(seenA.entries);
      for (const e of [a, b]) {
        const read = await e.read({ after: 0, patterns: ['#'], limit: 100 });
        expect(read.entries).toEqual(seenA.entries);
        expect(read.entries.every((entry) => entry.epoch === a.epoch)).toBe(true);
      }
    });

    test('start a joining instance at the head: earlier entries are history', async () => {
      const a = await h.open();
      for (let i = 0; i < 3; i++) await publish(a, 'early');
      const b = await h.peerOf(a);
      expect(b.head()).toEqual({ epoch: a.epoch, offset: 3 });
      const seen = collect(b);
      await publish(a, 'late');
      await seen.count(1);
      expect(seen.offsets()).toEqual([4]);
      const read = await b.read({ after: 0, patterns: ['early'], limit: 10 });
      expect(read.entries.map((entry) => entry.offset)).toEqual([1, 2, 3]);
    });

    test('keep per-topic sequence numbers gap-free across instances', async () => {
      const a = await h.open();
      const b = await h.peerOf(a);
      const outcomes = await Promise.all(
        range(1, 60).map((i) => publish(i % 3 === 0 ? a : b, i % 2 === 0 ? 'x' : 'y')),
      );
      for (const topic of ['x', 'y']) {
        const sequences = outcomes
          .map((outcome) => outcome.entry)
          .filter((entry) => entry.topic === topic)
          .sort((p, q) => p.offset - q.offset)
          .map((entry) => entry.sequenceNumber);
        expect(sequences).toEqual(range(1, 30));
      }
    });

    test('recognise duplicates across instances, also concurrent ones', async () => {
      const a = await h.open();
      const b = await h.peerOf(a);
      const first = await a.append({ id: 'once', topic: 't', data: 1 });
      expect(await b.append({ id: 'once', topic: 't', data: 2 })).toEqual({
        duplicate: true,
        entry: first.entry,
      });
      const race = await Promise.all(
        range(1, 6).map((i) => (i % 2 === 0 ? a : b).append({ id: 'race', topic: 't', data: i })),
      );
      expect(race.filter((outcome) => !outcome.duplicate)).toHaveLength(1);
      const read = await b.read({ after: 0, patterns: ['t'], limit: 10 });
      expect(read.entries.map((entry) => entry.offset)).toEqual([1, 2]);
    });

    test('give the same last values on either instance', async () => {
      const a = await h.open();
      const b = await h.peerOf(a);
      for (const t of ['s.1', 's.2', 's.1']) await publish(a, t, t);
      await publish(b, 's.3', 's.3');
      const fromA = await a.lastValues('s.*', 10);
      expect(fromA.map((v) => v.offset)).toEqual([2, 3, 4]);
      expect(await b.lastValues('s.*', 10)).toEqual(fromA);
    });

    test('stop delivering to a closed instance while the other goes on', async () => {
      const a = await h.open();
      const b = await h.peerOf(a);
      const seenA = collect(a);
      const seenB = collect(b);
      await publish(b, 'before');
      await seenA.count(1);
      await a.close();
      for (let i = 0; i < 5; i++) await publish(b, 'after');
      await seenB.count(6);
      await headReaches(b, 6);
      expect(seenA.offsets()).toEqual([1]);
    });
  });
}
