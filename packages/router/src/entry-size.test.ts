import { describe, expect, it } from 'vitest';
import { entrySize, valueSize } from './entry-size.ts';

describe('valueSize', () => {
  it('counts a string by its length, so a 1 MiB string counts 1 MiB', () => {
    expect(valueSize('x'.repeat(1 << 20))).toBe(8 + 16 + (1 << 20));
    expect(valueSize('')).toBe(24);
  });

  it('counts slots and containers, so tiny JSON that builds a large heap counts large', () => {
    expect(valueSize(null)).toBe(8);
    expect(valueSize(42)).toBe(16);
    expect(valueSize([])).toBe(40);
    expect(valueSize({ a: 1 })).toBe(8 + 56 + 16 + 1 + 16);
    // `[{},{},...]`: 3 bytes of JSON each, 64 bytes of V8 heap each; counted 64.
    const empties = JSON.parse(`[${Array(1000).fill('{}').join(',')}]`) as unknown;
    expect(valueSize(empties)).toBe(40 + 1000 * 64);
    expect(valueSize(new Uint8Array(1000))).toBe(8 + 64 + 1000);
  });

  it('walks any depth without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(valueSize(deep)).toBe(200_000 * 40 + 8 + 16 + 4);
  });

  it('stops past the cap on a value that references itself', () => {
    const loop: unknown[] = [];
    loop.push(loop, loop);
    const size = valueSize(loop, 10_000);
    expect(size).toBeGreaterThan(10_000);
    expect(size).toBeLessThan(10_100);
  });
});

describe('entrySize', () => {
  it('adds the bookkeeping, the id, the topic, a distinct key and the publisher', () => {
    const base = entrySize({ id: 'id', topic: 'a.b', data: null }, 'id', Infinity);
    expect(base).toBe(200 + 2 + 3 + 8);
    const keyed = entrySize({ id: 'id', topic: 'a.b', data: null }, 'scope\u0000id', Infinity);
    expect(keyed - base).toBe('scope\u0000id'.length);
    const published = { id: 'id', topic: 'a.b', data: null, publisherId: 'conn-1' };
    expect(entrySize(published, 'id', Infinity) - base).toBe(6);
  });
});
