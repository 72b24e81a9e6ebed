import { describe, expect, it } from 'vitest';
import { AgeOrderedMap } from './age-ordered-map.ts';

describe('AgeOrderedMap', () => {
  it('shifts the oldest entry, with refreshed and deleted keys taken into account', () => {
    const map = new AgeOrderedMap<string, number>();
    for (const k of ['a', 'b', 'c', 'd']) map.set(k, 1);
    expect(map.shift()).toBe('a');
    map.set('b', 2); // refresh: now newest
    map.delete('c');
    expect(map.shift()).toBe('d');
    map.set('e', 1);
    expect(map.shift()).toBe('b');
    expect(map.shift()).toBe('e');
    expect(map.shift()).toBeUndefined();
    // The cursor was exhausted; later insertions are still found.
    map.set('f', 1);
    expect(map.shift()).toBe('f');
    expect(map.size).toBe(0);
  });

  it('evicts from the front of a large map in constant time', () => {
    const map = new AgeOrderedMap<string, number>();
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) {
      map.set(`k${i}`, i);
      if (map.size > 10_000) map.shift();
    }
    expect(map.size).toBe(10_000);
    expect(map.has('k189999')).toBe(false);
    expect(map.has('k190000')).toBe(true);
    // A fresh iterator per shift takes several seconds here.
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
