import { SubscriptionIndex } from '@switchboard/router';
import { describe, expect } from 'vitest';
import { type Harness, publish } from '../harness.ts';

/** `lastValues`, and the interest keeping last values after their history is gone. */
export function retainedContract(h: Harness): void {
  describe('retained last values', () => {
    h.test('returns the most recently updated matching values in offset order', async () => {
      const e = await h.open();
      for (const t of ['a.1', 'a.2', 'b.1', 'a.3', 'a.1']) await publish(e, t, t);
      const values = await e.lastValues('a.*', 2);
      expect(values.map((v) => [v.topic, v.offset])).toEqual([
        ['a.3', 4],
        ['a.1', 5],
      ]);
      expect(await e.lastValues('a.*', 0)).toEqual([]);
      expect((await e.lastValues('#', 10)).map((v) => v.offset)).toEqual([2, 3, 4, 5]);
      expect((await e.lastValues('a.1', 10)).map((v) => v.data)).toEqual(['a.1']);
    });

    h.test(
      'keeps the last value of a topic the interest matches after its history is gone',
      async () => {
        const interest = new SubscriptionIndex<string>();
        interest.add('task.1.status', 'dashboard');
        const e = await h.create({ historySize: 2 });
        e.setInterest(interest);
        await e.open();
        await publish(e, 'task.1.status', 'running');
        await publish(e, 'task.1.status', 'done');
        await publish(e, 'task.2.status', 'done');
        for (let i = 0; i < 5; i++) await publish(e, `noise.${i}`);
        const history = await e.read({ after: 0, patterns: ['task.#'], limit: 10 });
        expect(history.entries).toEqual([]);
        const [kept] = await e.lastValues('task.1.status', 1);
        expect(kept).toMatchObject({ topic: 'task.1.status', data: 'done', offset: 2 });
        // The topic kept its state, so its sequence continues without a gap.
        expect((await publish(e, 'task.1.status', 'again')).entry.sequenceNumber).toBe(3);
      },
    );

    h.test('follows the interest as patterns are added and removed', async () => {
      const interest = new SubscriptionIndex<string>();
      const e = await h.create({ historySize: 2 });
      e.setInterest(interest);
      await e.open();
      await publish(e, 'job.1', 'first');
      // Subscribed after the publish, before the entry leaves history: still kept.
      interest.add('job.#', 'coordinator');
      // An overlapping pattern that comes and goes takes nothing with it.
      interest.add('job.1', 'watcher');
      interest.remove('job.1', 'watcher');
      for (let i = 0; i < 4; i++) await publish(e, `noise.${i}`);
      expect((await e.lastValues('job.#', 10)).map((v) => v.data)).toEqual(['first']);
    });
  });
}
