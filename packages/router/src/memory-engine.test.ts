import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { engine, publish } from '../test/support/engine.ts';
import { MemoryEngine } from './memory-engine.ts';

// What every engine must do is tested by @switchboard/engine-conformance, which runs against
// MemoryEngine; these tests cover what only the memory engine promises, and its options.

describe('MemoryEngine append', () => {
  it('calls listeners synchronously in offset order before append resolves', async () => {
    const e = engine();
    const seen: number[] = [];
    e.onEntry((entry) => {
      seen.push(entry.offset);
      // A listener that appends must not get its entry delivered ahead of later listeners.
      if (entry.offset === 1) void publish(e, 'nested');
    });
    const second: number[] = [];
    e.onEntry((entry) => second.push(entry.offset));
    const pending = publish(e, 'outer');
    expect(seen).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
    expect(e.head()).toEqual({ epoch: 'e1', offset: 2 });
    await pending;
  });

  it('hands back the very entry object it stored for a duplicate', async () => {
    const e = engine();
    const listener = vi.fn();
    e.onEntry(listener);
    const first = await e.append({ id: 'same', topic: 'a', data: 1 });
    const again = await e.append({ id: 'same', topic: 'a', data: 2 });
    expect(again.entry).toBe(first.entry);
    expect(listener).toHaveBeenCalledOnce();
  });

  it('remembers ids for dedupeWindow messages, even past history', async () => {
    const e = engine({ historySize: 2, dedupeWindow: 4 });
    await e.append({ id: 'old', topic: 'a', data: null });
    for (let i = 0; i < 3; i++) await publish(e, 'b');
    expect(e.stats().historySize).toBe(2);
    expect((await e.append({ id: 'old', topic: 'a', data: null })).duplicate).toBe(true);
    await publish(e, 'b');
    expect((await e.append({ id: 'old', topic: 'a', data: null })).duplicate).toBe(false);
  });

  it('applies the age bound when asked for stats, without a read', async () => {
    let now = 1_700_000_000_000;
    const e = engine({ historyTtlMs: 1000, now: () => now });
    await publish(e, 'a');
    expect(e.stats().historySize).toBe(1);
    now += 1001;
    expect(e.stats().historySize).toBe(0);
  });
});

describe('MemoryEngine options and lifecycle', () => {
  it('throws a TypeError naming a bad, unknown or conflicting option', () => {
    expect(() => engine({ historySize: 10, dedupeWindow: 5 })).toThrow(/dedupeWindow.*historySize/);
    expect(() => engine({ historySize: 0 })).toThrow(TypeError);
    expect(() => engine({ historySize: 1.5 })).toThrow(/"historySize"/);
    expect(() => engine({ historyTtlMs: 0 })).toThrow(/"historyTtlMs"/);
    expect(() => engine({ maxRetainedTopics: -1 })).toThrow(/"maxRetainedTopics"/);
    expect(() => engine({ prunedTopicsFilterBytes: 0 })).toThrow(/"prunedTopicsFilterBytes"/);
    expect(() => engine({ now: 5 as never })).toThrow(/"now" must be a function/);
    expect(() => engine({ historySise: 10 } as never)).toThrow(/unknown option "historySise"/);
    expect(() => new MemoryEngine({ epoch: '' })).toThrow(TypeError);
    // Unset and undefined options keep their defaults; Infinity turns the age bound off.
    expect(() => engine({ historySize: undefined, historyTtlMs: Infinity })).not.toThrow();
  });

  it('uses a random UUID epoch unless one is given', () => {
    const a = new MemoryEngine();
    const b = new MemoryEngine();
    expect(a.epoch).not.toBe(b.epoch);
    expect(a.epoch).toMatch(/^[0-9a-f-]{36}$/);
    expect(engine().epoch).toBe('e1');
  });

  it('is usable from construction, without open()', async () => {
    const e = new MemoryEngine();
    expect((await publish(e, 'a')).entry.offset).toBe(1);
    await e.open();
    expect(e.head().offset).toBe(1);
    await e.close();
    await expect(e.open()).rejects.toMatchObject({ code: ErrorCode.SERVER_SHUTTING_DOWN });
  });
});

describe('MemoryEngine history', () => {
  it('replays 10,000 entries from the middle of history quickly', async () => {
    const e = engine({ historySize: 20_000 });
    for (let i = 0; i < 20_000; i++) await publish(e, `agent.${i % 50}.status`);
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      const read = await e.read({ after: 10_000, patterns: ['agent.*.status'], limit: 10_000 });
      best = Math.min(best, performance.now() - started);
      expect(read.entries).toHaveLength(10_000);
      expect(read.entries[0]!.offset).toBe(10_001);
    }
    expect(best).toBeLessThan(100);
  });
});
