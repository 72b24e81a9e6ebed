import type { LogEntry } from '@switchboard/router';
import { describe, expect, it } from 'vitest';
import { encodeTextFrame } from './frame-encoder.ts';
import { ReplayStream } from './replay-stream.ts';

const entries: LogEntry[] = Array.from({ length: 50 }, (_, i) => ({
  id: `m-${i}`,
  topic: `t.${i % 3}`,
  data: { i, pad: 'é'.repeat(i * 7) },
  sequenceNumber: i,
  offset: i + 1,
  epoch: 'e',
  timestamp: 1,
}));
const text = (entry: LogEntry) =>
  JSON.stringify({ type: 'event', offset: entry.offset, data: entry.data });

describe('ReplayStream', () => {
  it('frames every entry once, in order, in buffers of about the budget', () => {
    const stream = new ReplayStream(entries, text);
    const expected = Buffer.concat(entries.map((entry) => encodeTextFrame(text(entry))));
    const parts: Buffer[] = [];
    let events = 0;
    for (let next = stream.next(1_000); next !== undefined; next = stream.next(1_000)) {
      parts.push(next.frame);
      events += next.count;
      // Over budget only by the one frame that crossed it.
      expect(next.frame.length).toBeLessThan(1_000 + 600);
    }
    expect(events).toBe(50);
    expect(stream.remaining).toBe(0);
    expect(parts.length).toBeGreaterThan(5);
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
  });

  it('always frames at least one event, however small the budget', () => {
    const stream = new ReplayStream(entries.slice(0, 3), text);
    expect(stream.next(0)?.count).toBe(1);
    expect(stream.remaining).toBe(2);
    expect(stream.next(1_000_000)?.count).toBe(2);
    expect(stream.next(1_000_000)).toBeUndefined();
  });
});
