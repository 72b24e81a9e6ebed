import { describe, expect, it } from 'vitest';
import { engine, exposeGc, publish } from '../test/support/engine.ts';
import { entrySize } from './entry-size.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

// The byte bounds every engine honours are tested by @switchboard/engine-conformance; these
// cover what only the memory engine does: its size estimate, its dedupe window past
// history, and that the heap really stays bounded.

describe('MemoryEngine byte bounds', () => {
  it('checks historyBytes and retainedBytes like every option', () => {
    expect(() => engine({ historyBytes: 0 })).toThrow(/"historyBytes"/);
    expect(() => engine({ historyBytes: Number.NaN })).toThrow(/"historyBytes"/);
    expect(() => engine({ retainedBytes: -1 })).toThrow(/"retainedBytes"/);
    expect(() => engine({ retainedBytes: '1' as never })).toThrow(/"retainedBytes"/);
    expect(() => engine({ historyBytes: Infinity, retainedBytes: 0 })).not.toThrow();
  });

  it('counts each entry by its estimate and evicts the oldest past historyBytes', async () => {
    const data = 'x'.repeat(10 * KiB);
    const one = entrySize({ id: 'm1', topic: 'big', data }, 'm1', Infinity);
    const e = engine({ historyBytes: 3.5 * one });
    for (let i = 1; i <= 10; i++) await e.append({ id: `m${i}`, topic: 'big', data });
    // Three entries fit, four do not; m10's id is one character longer than m1's.
    expect(e.stats()).toMatchObject({ historySize: 3, retainedBytes: 0 });
    expect(e.stats().historyBytes).toBe(3 * one + 1);
    const read = await e.read({ after: 0, patterns: ['#'], limit: 10 });
    expect(read.entries.map((entry) => entry.offset)).toEqual([8, 9, 10]);
  });

  it('recognises an id whose entry left history by bytes, without keeping its data', async () => {
    const e = engine({ historyBytes: 64 * KiB });
    const original = await e.append({ id: 'old', topic: 'a', data: 'y'.repeat(60 * KiB) });
    await publish(e, 'b', 'z'.repeat(60 * KiB));
    expect(e.stats().historySize).toBe(1);
    const retry = await e.append({ id: 'old', topic: 'a', data: 'retry' });
    expect(retry.duplicate).toBe(true);
    // The position is the original's; the payload left with history.
    const { data, ...position } = original.entry;
    expect(retry.entry).toEqual({ ...position, data: undefined });
    expect(data).toHaveLength(60 * KiB);
  });

  it('keeps retained values within retainedBytes, least recently updated first', async () => {
    const data = 'v'.repeat(10 * KiB);
    const one = entrySize({ id: 'k1', topic: 'keep.1', data }, 'k1', Infinity);
    const isTopicInUse = (topic: string) => topic.startsWith('keep.');
    const e = engine({ historySize: 1, retainedBytes: 3.5 * one, isTopicInUse });
    for (let i = 1; i <= 6; i++) await e.append({ id: `k${i}`, topic: `keep.${i}`, data });
    await publish(e, 'noise');
    const kept = await e.lastValues('keep.*', 10);
    expect(kept.map((entry) => entry.topic)).toEqual(['keep.4', 'keep.5', 'keep.6']);
    expect(e.stats()).toMatchObject({ topics: 4, pruned: 3, retainedBytes: 3 * one });
    // Republished, a retained topic's value is counted in history again, not twice.
    await e.append({ id: 'k7', topic: 'keep.5', data: 'small' });
    expect(e.stats().retainedBytes).toBe(2 * one);
    expect((await e.lastValues('keep.5', 1))[0]).toMatchObject({ data: 'small', offset: 8 });
  });

  it('does not keep a value larger than retainedBytes, and drops no other for it', async () => {
    const e = engine({ historySize: 1, retainedBytes: 16 * KiB, isTopicInUse: () => true });
    await e.append({ id: 's', topic: 'small', data: 'kept' });
    await e.append({ id: 'h', topic: 'huge', data: 'h'.repeat(32 * KiB) });
    await publish(e, 'noise');
    expect((await e.lastValues('#', 10)).map((entry) => entry.topic)).toEqual(['small', 'noise']);
    // Pruned, not kept without a value: the topic continues above every number it had.
    const again = await e.append({ id: 'h2', topic: 'huge', data: null });
    expect(again.entry.sequenceNumber).toBe(again.entry.offset);
  });

  it('keeps the heap bounded when a publisher sends 4x the bounds in the costliest shapes', async () => {
    const gc = await exposeGc();
    const historyBytes = 8 * MiB;
    const retainedBytes = 8 * MiB;
    const e = engine({ historyBytes, retainedBytes, isTopicInUse: () => true });
    // What JSON.parse builds from a frame, in the shapes the estimate undercounts most: text
    // outside Latin-1 (two bytes a character in V8) and objects with unique keys.
    const wide = (i: number) => JSON.parse(JSON.stringify(`${i}${'é'.repeat(32 * KiB)}`));
    const keyed = (i: number) =>
      JSON.parse(
        JSON.stringify(Array.from({ length: 800 }, (_, k) => ({ [`k${i}x${k}`]: k }))),
      ) as unknown;
    gc();
    const before = process.memoryUsage().heapUsed;
    let estimated = 0;
    for (let i = 0; estimated < 4 * (historyBytes + retainedBytes); i++) {
      const data = i % 2 === 0 ? wide(i) : keyed(i);
      estimated += entrySize({ id: `m${i}`, topic: `t.${i}`, data }, `m${i}`, Infinity);
      await e.append({ id: `m${i}`, topic: `t.${i}`, data });
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    const stats = e.stats();
    expect(stats.historyBytes).toBeLessThanOrEqual(historyBytes);
    expect(stats.retainedBytes).toBeLessThanOrEqual(retainedBytes);
    // About twice the estimate for these shapes, plus the dedupe window's positions
    // (measured: 35 MB). Without the byte bounds all of it (64 MiB estimated, 138 MB of
    // heap) would still be held.
    expect(grown).toBeLessThan(3 * (historyBytes + retainedBytes));
  }, 60_000);
});
