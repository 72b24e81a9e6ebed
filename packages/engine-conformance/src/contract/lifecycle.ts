import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { SubscriptionIndex } from '@switchboard/router';
import { describe, expect } from 'vitest';
import { collect, type Harness, headReaches, publish, rejection } from '../harness.ts';

type Probe<T> = { value: T } | { error: unknown };

function probe<T>(read: () => T): Probe<T> {
  try {
    return { value: read() };
  } catch (error) {
    return { error };
  }
}

/** Before open: either not connected yet, or already the value it has after open. */
function expectNotConnectedOr<T>(before: Probe<T>, after: T): void {
  if ('error' in before) {
    expect(before.error).toBeInstanceOf(SwitchboardError);
    expect((before.error as SwitchboardError).code).toBe(ErrorCode.NOT_CONNECTED);
  } else {
    expect(before.value).toEqual(after);
  }
}

/** `open()` and `close()`: what may be called when. */
export function lifecycleContract(h: Harness): void {
  describe('open and close', () => {
    h.test('opens once however often open() is called, together or later', async () => {
      const e = await h.create();
      const seen = collect(e);
      await Promise.all([e.open(), e.open(), e.open()]);
      const epoch = e.epoch;
      await publish(e, 'a');
      await headReaches(e, 1);
      await e.open();
      expect(e.epoch).toBe(epoch);
      expect(e.head()).toEqual({ epoch, offset: 1 });
      expect((await publish(e, 'a')).entry).toMatchObject({ offset: 2, sequenceNumber: 2, epoch });
      await seen.count(2);
      expect(seen.offsets()).toEqual([1, 2]);
      const read = await e.read({ after: 0, patterns: ['#'], limit: 10 });
      expect(read.entries.map((entry) => entry.offset)).toEqual([1, 2]);
    });

    h.test(
      'answers epoch, head() and stats() before open() only with their final values',
      async () => {
        const e = await h.create();
        const epoch = probe(() => e.epoch);
        const head = probe(() => e.head());
        const stats = probe(() => e.stats().head);
        await e.open();
        expectNotConnectedOr(epoch, e.epoch);
        expectNotConnectedOr(head, { epoch: e.epoch, offset: 0 });
        expectNotConnectedOr(stats, 0);
      },
    );

    h.test('applies listeners and interest registered before open()', async () => {
      const interest = new SubscriptionIndex<string>();
      interest.add('keep', 'c1');
      const e = await h.create({ historySize: 1 });
      const seen = collect(e);
      e.setInterest(interest);
      await e.open();
      await publish(e, 'keep', 'value');
      await publish(e, 'noise');
      // With an interest an engine may leave out what it does not match: `noise` may come.
      await seen.count(1);
      expect(seen.topics()[0]).toBe('keep');
      expect((await e.lastValues('keep', 1)).map((v) => v.data)).toEqual(['value']);
    });

    h.test('stays closed when closed before open()', async () => {
      const e = await h.create();
      await e.close();
      expect((await rejection(e.open())).code).toBe(ErrorCode.SERVER_SHUTTING_DOWN);
      expect((await rejection(publish(e, 'a'))).code).toBe(ErrorCode.SERVER_SHUTTING_DOWN);
    });

    h.test(
      'calls no listener once close() was called, not even for the current entry',
      async () => {
        const e = await h.open();
        e.onEntry(() => void e.close());
        const after = collect(e);
        // The append may resolve or reject with SERVER_SHUTTING_DOWN; either is allowed.
        await publish(e, 'a').catch((error: SwitchboardError) => {
          expect(error.code).toBe(ErrorCode.SERVER_SHUTTING_DOWN);
        });
        await headReaches(e, 1);
        expect(after.entries).toEqual([]);
      },
    );

    h.test('rejects calls after close() and still answers epoch, head() and stats()', async () => {
      const e = await h.open();
      const seen = collect(e);
      await publish(e, 'a');
      await headReaches(e, 1);
      const { epoch } = e;
      await e.close();
      await e.close();
      for (const call of [
        () => publish(e, 'x'),
        () => e.read({ after: 0, patterns: ['#'], limit: 1 }),
        () => e.lastValues('#', 1),
        () => e.open(),
      ]) {
        expect((await rejection(call())).code).toBe(ErrorCode.SERVER_SHUTTING_DOWN);
      }
      expect(e.epoch).toBe(epoch);
      expect(e.head()).toEqual({ epoch, offset: 1 });
      expect(e.stats()).toMatchObject({ epoch, head: 1, appended: 1 });
      // Registering after close is harmless and does nothing.
      const stop = e.onEntry(() => {
        throw new Error('called after close');
      });
      stop();
      e.setInterest(new SubscriptionIndex<string>());
      expect(seen.offsets()).toEqual([1]);
    });
  });
}
