import { describe, expect, it } from 'vitest';
import { DeferredRefCounts } from './deferred-ref-counts.ts';

function recorder() {
  const calls: string[] = [];
  const counts = new DeferredRefCounts<string>({
    start: (key) => calls.push(`start ${key}`),
    stop: (key) => calls.push(`stop ${key}`),
    idle: (key) => calls.push(`idle ${key}`),
  });
  return { calls, counts };
}

describe('DeferredRefCounts', () => {
  it('starts a key once for a retain, release, retain in one pass (StrictMode)', async () => {
    const { calls, counts } = recorder();
    counts.retain('a');
    counts.release('a');
    counts.retain('a');
    expect(calls).toEqual([]);
    await Promise.resolve();
    expect(calls).toEqual(['start a']);
    expect(counts.isStarted('a')).toBe(true);
  });

  it('stops only when the last holder leaves, and once', async () => {
    const { calls, counts } = recorder();
    counts.retain('a');
    counts.retain('a');
    counts.flush();
    counts.release('a');
    counts.flush();
    expect(calls).toEqual(['start a']);
    counts.release('a');
    counts.retain('a');
    counts.release('a');
    await Promise.resolve();
    expect(calls).toEqual(['start a', 'stop a']);
    expect(counts.count('a')).toBe(0);
  });

  it('reports a key that came and went without starting as idle', () => {
    const { calls, counts } = recorder();
    counts.retain('a');
    counts.release('a');
    counts.flush();
    expect(calls).toEqual(['idle a']);
  });

  it('refuses a release without a retain', () => {
    const { counts } = recorder();
    expect(() => counts.release('a')).toThrow(/without a matching retain/);
  });
});
