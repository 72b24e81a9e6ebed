import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactSet } from './compact-set.ts';

describe('CompactSet', () => {
  it('behaves like a Set through growth and shrinking', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 }))), (ops) => {
        const set = new CompactSet<number>();
        const model = new Set<number>();
        for (const [add, value] of ops) {
          if (add) expect(set.add(value)).toBe(!model.has(value));
          else expect(set.delete(value)).toBe(model.has(value));
          if (add) model.add(value);
          else model.delete(value);
          expect(set.size).toBe(model.size);
          expect(new Set(set)).toEqual(model);
          for (let v = 0; v <= 5; v++) expect(set.has(v)).toBe(model.has(v));
        }
      }),
    );
  });

  it('visits the remaining members when one is deleted during forEach', () => {
    const set = new CompactSet<number>();
    for (const v of [1, 2, 3]) set.add(v);
    const seen: number[] = [];
    set.forEach((v, tag) => {
      seen.push(v);
      expect(tag).toBe('t');
      set.delete(v);
    }, 't');
    expect(seen).toEqual([1, 2, 3]);
    expect(set.size).toBe(0);
  });
});
