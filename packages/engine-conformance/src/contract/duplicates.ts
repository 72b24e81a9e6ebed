import { describe, expect } from 'vitest';
import { collect, type Harness, headReaches, publish } from '../harness.ts';

/** Idempotent publish: a repeated dedupe key appends nothing. */
export function duplicatesContract(h: Harness): void {
  describe('duplicates', () => {
    h.test(
      'returns the original entry for a duplicate id, and appends or delivers nothing',
      async () => {
        const e = await h.open();
        const seen = collect(e);
        const first = await e.append({ id: 'same', topic: 'a', data: 1 });
        const again = await e.append({ id: 'same', topic: 'a', data: 2 });
        expect(again.duplicate).toBe(true);
        expect(again.entry).toEqual(first.entry);
        await headReaches(e, 1);
        expect(e.stats()).toMatchObject({ head: 1, appended: 1, duplicates: 1, historySize: 1 });
        const next = await e.append({ id: 'other', topic: 'a', data: 3 });
        expect(next.entry).toMatchObject({ offset: 2, sequenceNumber: 2 });
        await seen.count(2);
        // The duplicate never reached a listener.
        expect(seen.entries.map((entry) => entry.data)).toEqual([1, 3]);
      },
    );

    h.test('scopes duplicates by dedupeKey when given', async () => {
      const e = await h.open();
      await e.append({ id: '1', dedupeKey: 'alice:1', topic: 'a', data: null });
      expect(
        (await e.append({ id: '1', dedupeKey: 'bob:1', topic: 'a', data: null })).duplicate,
      ).toBe(false);
      expect(
        (await e.append({ id: '1', dedupeKey: 'alice:1', topic: 'a', data: null })).duplicate,
      ).toBe(true);
    });

    h.test('recognises a duplicate for as long as the original is in history', async () => {
      const e = await h.open({ historySize: 3 });
      const original = await e.append({ id: 'old', topic: 'a', data: 'first' });
      await publish(e, 'b');
      await publish(e, 'b');
      // History holds offsets 1..3, the original among them.
      const retry = await e.append({ id: 'old', topic: 'a', data: 'retry' });
      expect(retry).toEqual({ duplicate: true, entry: original.entry });
    });

    h.test('appends one of several concurrent appends with the same key', async () => {
      const e = await h.open();
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, i) => e.append({ id: 'race', topic: 'a', data: i })),
      );
      expect(outcomes.filter((outcome) => !outcome.duplicate)).toHaveLength(1);
      const stored = outcomes.find((outcome) => !outcome.duplicate)!.entry;
      for (const outcome of outcomes) expect(outcome.entry).toEqual(stored);
      const read = await e.read({ after: 0, patterns: ['#'], limit: 10 });
      expect(read.entries).toEqual([stored]);
    });
  });
}
