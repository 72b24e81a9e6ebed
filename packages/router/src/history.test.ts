import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from './engine.ts';
import { History } from './history.ts';

const entry = (offset: number) => ({ offset }) as LogEntry;

describe('History', () => {
  it('keeps offset order across growth and wrap-around', () => {
    const history = new History(3000);
    let next = 1;
    for (let i = 0; i < 10_000; i++) {
      if (history.isFull) expect(history.shift()!.offset).toBe(next - 3000);
      history.push(entry(next), next);
      next++;
    }
    expect(history.length).toBe(3000);
    expect(history.oldest()!.offset).toBe(7001);
    expect(history.at(2999).offset).toBe(10_000);
    expect(history.oldestAppendedAt()).toBe(7001);
    expect(() => history.push(entry(next), 0)).toThrow(RangeError);
  });

  it('finds the first entry after an offset by binary search, gaps included', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 510 }),
        fc.integer({ min: 0, max: 30 }),
        (raw, after, dropped) => {
          const offsets = [...raw].sort((a, b) => a - b);
          const history = new History(64);
          for (const o of offsets) history.push(entry(o), 0);
          // Rotate the ring so that the search runs over a wrapped buffer too.
          for (let i = 0; i < Math.min(dropped, offsets.length); i++) history.shift();
          const kept = offsets.slice(Math.min(dropped, offsets.length));
          const expected = kept.findIndex((o) => o > after);
          expect(history.indexAfter(after)).toBe(expected === -1 ? kept.length : expected);
        },
      ),
    );
  });

  it('releases evicted entries and empties on clear', () => {
    const history = new History(2);
    history.push(entry(1), 0);
    history.push(entry(2), 0);
    history.clear();
    expect(history.length).toBe(0);
    expect(history.oldest()).toBeUndefined();
    expect(history.shift()).toBeUndefined();
    expect(history.oldestAppendedAt()).toBe(Number.POSITIVE_INFINITY);
  });
});
