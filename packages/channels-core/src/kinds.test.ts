import { describe, expect, it } from 'vitest';
import { selectKinds } from './kinds.ts';

const ALL = ['created', 'progress', 'completed'] as const;

describe('selectKinds', () => {
  it('returns every kind when none is asked for, and the asked ones otherwise', () => {
    expect(selectKinds('task', ALL, undefined)).toEqual(ALL);
    expect(selectKinds('task', ALL, ['progress'])).toEqual(['progress']);
  });

  it('refuses a kind the domain does not have, naming the domain and the known kinds', () => {
    expect(() => selectKinds('task', ALL, ['progress', 'exploded' as never])).toThrow(
      new TypeError('Unknown task event kind "exploded"; expected created, progress, completed'),
    );
  });
});
