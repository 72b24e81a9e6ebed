import { describe, expect, it } from 'vitest';
import { BloomFilter } from './bloom-filter.ts';

describe('BloomFilter', () => {
  it('never forgets a member and rarely claims a stranger', () => {
    const filter = new BloomFilter(1 << 16);
    for (let i = 0; i < 50_000; i++) filter.add(`task.${i}.done`);
    let missing = 0;
    for (let i = 0; i < 50_000; i++) if (!filter.has(`task.${i}.done`)) missing++;
    expect(missing).toBe(0);
    let falsePositives = 0;
    for (let i = 0; i < 50_000; i++) if (filter.has(`agent.${i}.status`)) falsePositives++;
    // ~10 bits per member with 4 hashes: about 1.2% expected.
    expect(falsePositives / 50_000).toBeLessThan(0.03);
  });

  it('rounds its size up to a power of two', () => {
    expect(new BloomFilter(1000).byteLength).toBe(1024);
    expect(new BloomFilter(1).byteLength).toBe(64);
    expect(() => new BloomFilter(0)).toThrow(TypeError);
  });
});
