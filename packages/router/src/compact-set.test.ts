import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactSet } from './compact-set.ts';

describe('CompactSet', () => {
  it('behaves like a Set through growth, shrinking and clear, in insertion order', () => {
    const op = fc.constantFrom('add', 'add', 'delete', 'delete', 'clear');
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.integer({ min: 0, max: 5 }))), (ops) => {
        const set = new CompactSet<number>();
        const model = new Set<number>();
        for (const [kind, value] of ops) {
          if (kind === 'add') expect(set.add(value)).toBe(!model.has(value));
          else if (kind === 'delete') expect(set.delete(value)).toBe(model.has(value));
          else set.clear();
          if (kind === 'add') model.add(value);
          else if (kind === 'delete') model.delete(value);
          else model.clear();
          expect(set.size).toBe(model.size);
          expect([...set]).toEqual([...model]);
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
