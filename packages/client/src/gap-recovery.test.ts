import { ErrorCode, type EventFrame, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { GapRecovery, isAlreadyDelivered } from './gap-recovery.ts';

const epoch = 'e1';
const event = (offset: number, replay = false): EventFrame => ({
  type: 'event',
  id: `m${offset}`,
  topic: 't',
  data: offset,
  sequenceNumber: offset,
  offset,
  epoch,
  timestamp: 0,
  ...(replay ? { replay: true } : {}),
});

function harness() {
  const delivered: number[] = [];
  const resyncs: unknown[] = [];
  const requests: {
    after: number;
    until: number;
    answer(data: unknown): void;
    fail(e: unknown): void;
  }[] = [];
  const recovery = new GapRecovery({
    fetchHistory: ({ after, until }) =>
      new Promise((resolve, reject) =>
        requests.push({ after, until, answer: resolve, fail: reject }),
      ),
    deliver: (e) => delivered.push(e.offset),
    resync: (detail) => resyncs.push(detail),
  });
  const page = (from: number, to: number, extra: object = {}) => ({
    epoch,
    complete: true,
    events: Array.from({ length: to - from + 1 }, (_, i) => event(from + i, true)),
    ...extra,
  });
  return { recovery, delivered, resyncs, requests, page };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('GapRecovery', () => {
  it('interleaves held live events with several gaps in offset order', async () => {
    const { recovery, delivered, requests, page } = harness();
    recovery.onEvent(event(1));
    recovery.onDropped({ type: 'dropped', epoch, fromOffset: 2, toOffset: 3, count: 2 });
    recovery.onEvent(event(4));
    recovery.onDropped({ type: 'dropped', epoch, fromOffset: 5, toOffset: 6, count: 2 });
    recovery.onEvent(event(7));
    expect(requests.map((r) => [r.after, r.until])).toEqual([[1, 3]]);
    requests[0]!.answer(page(2, 3));
    await settle();
    expect(requests.map((r) => [r.after, r.until])).toEqual([
      [1, 3],
      [4, 6],
    ]);
    requests[1]!.answer(page(5, 6));
    await settle();
    recovery.onEvent(event(8));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(recovery.active).toBe(false);
  });

  it('fetches a long gap page by page', async () => {
    const { recovery, delivered, requests, page } = harness();
    recovery.onDropped({ type: 'dropped', epoch, fromOffset: 1, toOffset: 4, count: 4 });
    requests[0]!.answer(page(1, 2, { truncated: true }));
    await settle();
    expect(requests[1]).toMatchObject({ after: 2, until: 4 });
    requests[1]!.answer(page(3, 4));
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('asks for a resync, never a partial replay, when history lost the gap', async () => {
    const { recovery, delivered, resyncs, requests } = harness();
    recovery.onDropped({ type: 'dropped', epoch, fromOffset: 1, toOffset: 9, count: 9 });
    recovery.onEvent(event(10));
    requests[0]!.answer({ epoch, complete: false, events: [] });
    await settle();
    expect(resyncs).toEqual([{ reason: 'history-exhausted', fromOffset: 1, toOffset: 9 }]);
    expect(delivered).toEqual([10]);
  });

  it('forgets the recovery when the connection drops (the resubscribe replays the gap)', async () => {
    const { recovery, delivered, resyncs, requests } = harness();
    recovery.onDropped({ type: 'dropped', epoch, fromOffset: 1, toOffset: 2, count: 2 });
    recovery.onEvent(event(3));
    requests[0]!.fail(new SwitchboardError(ErrorCode.CONNECTION_CLOSED, 'gone'));
    await settle();
    expect(delivered).toEqual([]);
    expect(resyncs).toEqual([]);
    expect(recovery.active).toBe(false);
  });

  it('recognizes live events already delivered, but lets history replays through', () => {
    expect(isAlreadyDelivered(event(5), { epoch, offset: 5 })).toBe(true);
    expect(isAlreadyDelivered(event(6), { epoch, offset: 5 })).toBe(false);
    expect(isAlreadyDelivered(event(5, true), { epoch, offset: 9 })).toBe(false);
    expect(isAlreadyDelivered(event(1), { epoch: 'other', offset: 9 })).toBe(false);
  });
});
