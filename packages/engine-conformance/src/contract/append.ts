import { ErrorCode } from '@switchboard/protocol';
import { describe, expect } from 'vitest';
import { fakeClock, type Harness, headReaches, publish, range, rejection } from '../harness.ts';

/** Offsets, sequence numbers, epochs, timestamps and input validation. */
export function appendContract(h: Harness): void {
  describe('append', () => {
    h.test('assigns gap-free offsets from 1 and gap-free per-topic sequence numbers', async () => {
      const e = await h.open();
      const topics = ['agent.1.status', 'agent.2.status', 'task.9.done'];
      const perTopic = new Map<string, number[]>();
      const offsets: number[] = [];
      for (let i = 0; i < 300; i++) {
        const topic = topics[(i * 7) % 3]!;
        const { entry, duplicate } = await publish(e, topic, i);
        expect(duplicate).toBe(false);
        expect(entry).toMatchObject({ topic, data: i, epoch: e.epoch });
        expect(Number.isFinite(entry.timestamp)).toBe(true);
        offsets.push(entry.offset);
        perTopic.set(topic, [...(perTopic.get(topic) ?? []), entry.sequenceNumber]);
      }
      expect(offsets).toEqual(range(1, 300));
      for (const seqs of perTopic.values()) expect(seqs).toEqual(range(1, seqs.length));
      await headReaches(e, 300);
      expect(e.head()).toEqual({ epoch: e.epoch, offset: 300 });
    });

    h.test("stamps an entry with the engine's clock when the publisher gives no timestamp", async () => {
      const clock = fakeClock();
      const e = await h.open({ now: clock.now });
      for (let i = 0; i < 3; i++) {
        expect((await publish(e, 'a')).entry.timestamp).toBe(clock.now());
        clock.advance(1);
      }
    }, ['clock']);

    h.test("keeps a publisher's timestamp and publisherId", async () => {
      const e = await h.open();
      const { entry } = await e.append({
        id: 'x',
        topic: 'a',
        data: 1,
        timestamp: 42,
        publisherId: 'c1',
      });
      expect(entry).toMatchObject({
        timestamp: 42,
        publisherId: 'c1',
        sequenceNumber: 1,
        offset: 1,
      });
      const read = await e.read({ after: 0, patterns: ['a'], limit: 1 });
      expect(read.entries[0]).toMatchObject({ timestamp: 42, publisherId: 'c1' });
    });

    h.test('rejects invalid input with a stable code and appends nothing', async () => {
      const e = await h.open();
      expect((await rejection(publish(e, 'a..b'))).code).toBe(ErrorCode.INVALID_TOPIC);
      expect((await rejection(publish(e, 'a.*'))).code).toBe(ErrorCode.INVALID_TOPIC);
      expect((await rejection(e.append({ id: '', topic: 'a', data: null }))).code).toBe(
        ErrorCode.INVALID_MESSAGE,
      );
      const badTime = e.append({ id: 't', topic: 'a', data: null, timestamp: Number.NaN });
      expect((await rejection(badTime)).code).toBe(ErrorCode.INVALID_MESSAGE);
      expect((await rejection(e.read({ after: 0, patterns: ['a.#x'], limit: 1 }))).code).toBe(
        ErrorCode.INVALID_PATTERN,
      );
      expect((await rejection(e.lastValues('a.#x', 1))).code).toBe(ErrorCode.INVALID_PATTERN);
      await expect(e.read({ after: -1, patterns: ['#'], limit: 1 })).rejects.toThrow(TypeError);
      await expect(e.read({ after: 0, patterns: ['#'], limit: 1.5 })).rejects.toThrow(TypeError);
      await expect(e.lastValues('#', -1)).rejects.toThrow(TypeError);
      expect(e.stats()).toMatchObject({ head: 0, appended: 0 });
      expect(await e.read({ after: 0, patterns: ['#'], limit: 10 })).toMatchObject({
        entries: [],
        head: 0,
      });
      // The failed appends left no trace: the next one is the first.
      expect((await publish(e, 'a')).entry).toMatchObject({ offset: 1, sequenceNumber: 1 });
    });

    h.test('gives every log its own epoch of 1 to 64 characters', async () => {
      const a = await h.open();
      const b = await h.open();
      expect(a.epoch).not.toBe(b.epoch);
      for (const e of [a, b]) {
        expect(typeof e.epoch).toBe('string');
        expect(e.epoch.length).toBeGreaterThanOrEqual(1);
        expect(e.epoch.length).toBeLessThanOrEqual(64);
        expect(e.head()).toEqual({ epoch: e.epoch, offset: 0 });
        expect(e.stats()).toMatchObject({ epoch: e.epoch, head: 0 });
      }
    });
  });
}
