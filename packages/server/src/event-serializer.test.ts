import { encodeFrame } from '@switchboard/protocol';
import type { LogEntry } from '@switchboard/router';
import { describe, expect, it } from 'vitest';
import { eventOf, serializeEvent, serializePublishAck } from './event-serializer.ts';

function entry(overrides: Partial<LogEntry> = {}): LogEntry {
  return {
    id: 'm-1',
    topic: 'agent.a1.status',
    data: { state: 'busy', load: 0.5, tags: ['x', 'y'], nested: { ok: true } },
    sequenceNumber: 7,
    offset: 42,
    epoch: 'e-1',
    timestamp: 1_763_800_000_000,
    publisherId: 'c-1',
    ...overrides,
  };
}

const awkward = [
  entry(),
  entry({ data: undefined }),
  entry({ data: null }),
  entry({ data: 'a "quoted" string with \\ and \n and \u2028' }),
  entry({ data: 0 }),
  entry({ data: [1, 'two', { three: 3 }] }),
  entry({ id: 'id with "quotes" and ünïcödé 🚀', topic: 'tëst.topic', epoch: 'ep"och' }),
  entry({ data: { emoji: '🚀', lone: '\ud800' } }),
];

describe('serializeEvent', () => {
  it('equals JSON.stringify of the event object, live and replayed', () => {
    for (const e of awkward) {
      for (const replay of [false, true]) {
        const text = serializeEvent(e, replay);
        expect(text).toBe(JSON.stringify(eventOf(e, replay)));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(eventOf(e, replay))));
      }
    }
  });
});

describe('serializePublishAck', () => {
  it('equals encodeFrame of the ack object, for awkward ids, both duplicate values and a changing epoch', () => {
    for (const e of [
      ...awkward,
      entry({ epoch: 'e-2' }),
      entry(),
      entry({ offset: 9_007_199_254_740_991 }),
    ]) {
      for (const id of [e.id, 'p', 'id "quoted" \\ \n \u2028 🚀']) {
        for (const duplicate of [false, true]) {
          const text = serializePublishAck(id, e, duplicate);
          const frame = {
            type: 'ack' as const,
            id,
            ok: true as const,
            offset: e.offset,
            sequenceNumber: e.sequenceNumber,
            epoch: e.epoch,
            duplicate,
          };
          expect(text).toBe(encodeFrame(frame));
        }
      }
    }
  });
});
