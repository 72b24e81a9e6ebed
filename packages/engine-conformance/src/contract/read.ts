import { describe, expect } from 'vitest';
import { fakeClock, type Harness, publish, range } from '../harness.ts';

/** History bounds and what `read` returns: entries, `complete`, `truncated`, `head`. */
export function readContract(h: Harness): void {
  describe('history and read', () => {
    h.test('is bounded by count', async () => {
      const e = await h.open({ historySize: 5 });
      for (let i = 0; i < 12; i++) await publish(e, 'a');
      expect(e.stats().historySize).toBe(5);
      const read = await e.read({ after: 0, patterns: ['#'], limit: 100 });
      expect(read.entries.map((x) => x.offset)).toEqual([8, 9, 10, 11, 12]);
      expect(read.complete).toBe(false);
      expect(read.head).toBe(12);
    });

    h.test("is bounded by age by the engine's clock", async () => {
      const clock = fakeClock();
      const e = await h.open({ historyTtlMs: 1000, now: clock.now });
      await publish(e, 'a');
      clock.advance(600);
      await publish(e, 'a');
      clock.advance(600);
      const read = await e.read({ after: 0, patterns: ['a'], limit: 10 });
      expect(read.entries.map((x) => x.offset)).toEqual([2]);
      expect(read.complete).toBe(false);
      expect((await e.read({ after: 1, patterns: ['a'], limit: 10 })).complete).toBe(true);
      clock.advance(1000);
      const empty = await e.read({ after: 1, patterns: ['#'], limit: 10 });
      expect(empty).toEqual({ entries: [], complete: false, truncated: false, head: 2 });
      expect(e.stats().historySize).toBe(0);
      expect((await e.read({ after: 2, patterns: ['#'], limit: 10 })).complete).toBe(true);
    }, ['clock']);

    h.test('reads entries after an offset that match any pattern, in offset order', async () => {
      const e = await h.open();
      const topics = [
        'agent.1.status',
        'task.7.done',
        'agent.2.status',
        'swarm.x',
        'task.7',
        'agent.1.log',
      ];
      for (const t of topics) await publish(e, t);
      const read = await e.read({ after: 1, patterns: ['agent.*.status', 'task.#'], limit: 100 });
      expect(read.entries.map((x) => x.topic)).toEqual(['task.7.done', 'agent.2.status', 'task.7']);
      expect(read).toMatchObject({ complete: true, truncated: false, head: 6 });
      expect((await e.read({ after: 0, patterns: [], limit: 10 })).entries).toEqual([]);
      // Many patterns (a trie in the memory engine); same answer.
      const many = ['x.*', 'y.#', 'z', 'q.*.q', 'w.#.w', 'v', 'u.*', 'agent.*.log', 'task.7'];
      const read2 = await e.read({ after: 0, patterns: many, limit: 100 });
      expect(read2.entries.map((x) => x.topic)).toEqual(['task.7', 'agent.1.log']);
      const all = await e.read({ after: 0, patterns: ['#'], limit: 100 });
      expect(all.entries.map((x) => x.offset)).toEqual(range(1, 6));
    });

    h.test('says complete only when nothing after the position was evicted', async () => {
      const e = await h.open({ historySize: 3 });
      for (let i = 0; i < 6; i++) await publish(e, 'a');
      // History holds offsets 4..6.
      expect((await e.read({ after: 2, patterns: ['#'], limit: 10 })).complete).toBe(false);
      expect((await e.read({ after: 3, patterns: ['#'], limit: 10 })).complete).toBe(true);
      expect((await e.read({ after: 6, patterns: ['#'], limit: 10 })).complete).toBe(true);
      // A position this log never reached is not trusted.
      expect((await e.read({ after: 7, patterns: ['#'], limit: 10 })).complete).toBe(false);
      // Even when the evicted entries would not have matched, the log cannot prove it.
      expect((await e.read({ after: 0, patterns: ['nothing'], limit: 10 })).complete).toBe(false);
    });

    h.test('sets truncated when the limit cut the read, and only then', async () => {
      const e = await h.open();
      for (const t of ['a', 'b', 'a', 'a', 'b', 'a', 'b']) await publish(e, t);
      const first = await e.read({ after: 0, patterns: ['a'], limit: 2 });
      expect(first.entries.map((x) => x.offset)).toEqual([1, 3]);
      expect(first.truncated).toBe(true);
      const second = await e.read({ after: 3, patterns: ['a'], limit: 2 });
      expect(second.entries.map((x) => x.offset)).toEqual([4, 6]);
      // Entries follow (offset 7), but none matches: not truncated.
      expect(second.truncated).toBe(false);
      const none = await e.read({ after: 0, patterns: ['b'], limit: 0 });
      expect(none).toMatchObject({ entries: [], truncated: true });
    });
  });
}
