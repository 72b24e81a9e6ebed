import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { engine, fakeClock, publish, rejection } from '../test/support/engine.ts';
import { MemoryEngine } from './memory-engine.ts';

describe('MemoryEngine append', () => {
  it('assigns gap-free per-topic sequence numbers and strictly increasing offsets', async () => {
    const clock = fakeClock();
    const e = engine({ now: clock.now });
    const topics = ['agent.1.status', 'agent.2.status', 'task.9.done'];
    const perTopic = new Map<string, number[]>();
    const offsets: number[] = [];
    for (let i = 0; i < 300; i++) {
      const topic = topics[(i * 7) % 3]!;
      const { entry, duplicate } = await publish(e, topic, i);
      expect(duplicate).toBe(false);
      expect(entry.epoch).toBe('e1');
      expect(entry.timestamp).toBe(clock.now());
      offsets.push(entry.offset);
      perTopic.set(topic, [...(perTopic.get(topic) ?? []), entry.sequenceNumber]);
      clock.advance(1);
    }
    expect(offsets).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (const seqs of perTopic.values()) {
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    expect(e.head()).toEqual({ epoch: 'e1', offset: 300 });
  });

  it('keeps a publisher timestamp and publisherId', async () => {
    const e = engine();
    const { entry } = await e.append({
      id: 'x',
      topic: 'a',
      data: 1,
      timestamp: 42,
      publisherId: 'c1',
    });
    expect(entry).toMatchObject({ timestamp: 42, publisherId: 'c1', sequenceNumber: 1, offset: 1 });
  });

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
    await pending;
  });

  it('reports a throwing listener without failing the append or starving other listeners', async () => {
    const onError = vi.fn();
    const e = engine({ onError });
    const seen: string[] = [];
    e.onEntry(() => {
      throw new Error('boom');
    });
    const off = e.onEntry((entry) => seen.push(entry.topic));
    await expect(publish(e, 'a')).resolves.toMatchObject({ duplicate: false });
    expect(seen).toEqual(['a']);
    expect(onError).toHaveBeenCalledOnce();
    off();
    await publish(e, 'b');
    expect(seen).toEqual(['a']);
  });

  it('returns the original entry for a duplicate id and appends nothing', async () => {
    const e = engine();
    const listener = vi.fn();
    e.onEntry(listener);
    const first = await e.append({ id: 'same', topic: 'a', data: 1 });
    const again = await e.append({ id: 'same', topic: 'a', data: 2 });
    expect(again.duplicate).toBe(true);
    expect(again.entry).toBe(first.entry);
    expect(listener).toHaveBeenCalledOnce();
    expect(e.stats()).toMatchObject({ head: 1, appended: 1, duplicates: 1, historySize: 1 });
    const next = await e.append({ id: 'other', topic: 'a', data: 3 });
    expect(next.entry).toMatchObject({ offset: 2, sequenceNumber: 2 });
  });

  it('scopes duplicates by dedupeKey when given', async () => {
    const e = engine();
    await e.append({ id: '1', dedupeKey: 'alice:1', topic: 'a', data: null });
    expect(
      (await e.append({ id: '1', dedupeKey: 'bob:1', topic: 'a', data: null })).duplicate,
    ).toBe(false);
    expect(
      (await e.append({ id: '1', dedupeKey: 'alice:1', topic: 'a', data: null })).duplicate,
    ).toBe(true);
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

  it('rejects invalid input and conflicting options', async () => {
    const e = engine();
    expect((await rejection(publish(e, 'a..b'))).code).toBe(ErrorCode.INVALID_TOPIC);
    expect((await rejection(publish(e, 'a.*'))).code).toBe(ErrorCode.INVALID_TOPIC);
    expect((await rejection(e.append({ id: '', topic: 'a', data: null }))).code).toBe(
      ErrorCode.INVALID_MESSAGE,
    );
    expect((await rejection(e.read({ after: 0, patterns: ['a.#x'], limit: 1 }))).code).toBe(
      ErrorCode.INVALID_PATTERN,
    );
    expect(() => engine({ historySize: 10, dedupeWindow: 5 })).toThrow(/dedupeWindow.*historySize/);
    expect(() => engine({ historySize: 0 })).toThrow(TypeError);
    expect(() => new MemoryEngine({ epoch: '' })).toThrow(TypeError);
    expect(e.stats().head).toBe(0);
  });

  it('uses a random epoch by default and rejects calls after close', async () => {
    const a = new MemoryEngine();
    const b = new MemoryEngine();
    expect(a.epoch).not.toBe(b.epoch);
    expect(a.epoch.length).toBeGreaterThan(8);
    await a.close();
    await a.close();
    expect((await rejection(publish(a, 'x'))).code).toBe(ErrorCode.SERVER_SHUTTING_DOWN);
  });
});

describe('MemoryEngine history', () => {
  it('is bounded by count', async () => {
    const e = engine({ historySize: 5 });
    for (let i = 0; i < 12; i++) await publish(e, 'a');
    expect(e.stats().historySize).toBe(5);
    const read = await e.read({ after: 0, patterns: ['#'], limit: 100 });
    expect(read.entries.map((x) => x.offset)).toEqual([8, 9, 10, 11, 12]);
    expect(read.complete).toBe(false);
    expect(read.head).toBe(12);
  });

  it('is bounded by age, trimmed lazily on read', async () => {
    const clock = fakeClock();
    const e = engine({ historyTtlMs: 1000, now: clock.now });
    await publish(e, 'a');
    clock.advance(600);
    await publish(e, 'a');
    clock.advance(600);
    const read = await e.read({ after: 0, patterns: ['a'], limit: 10 });
    expect(read.entries.map((x) => x.offset)).toEqual([2]);
    expect(read.complete).toBe(false);
    expect((await e.read({ after: 1, patterns: ['a'], limit: 10 })).complete).toBe(true);
    clock.advance(1000);
    expect(e.stats().historySize).toBe(0);
    const empty = await e.read({ after: 1, patterns: ['#'], limit: 10 });
    expect(empty).toEqual({ entries: [], complete: false, truncated: false, head: 2 });
    expect((await e.read({ after: 2, patterns: ['#'], limit: 10 })).complete).toBe(true);
  });

  it('reads entries after an offset that match any pattern, in offset order', async () => {
    const e = engine();
    const topics = [
      'agent.1.status',
      'task.7.done',
      'agent.2.status',
      'swarm.x',
      'task.7',
      'agent.1.log',
    ];
    for (const t of topics) await publish(e, t);
    const read = await e.read({ after: 1, patterns: ['agent.*.status', 'task.#'], limit: 100 });
    expect(read.entries.map((x) => x.topic)).toEqual(['task.7.done', 'agent.2.status', 'task.7']);
    expect(read).toMatchObject({ complete: true, truncated: false, head: 6 });
    expect((await e.read({ after: 0, patterns: [], limit: 10 })).entries).toEqual([]);
    // Many patterns go through a trie; same answer.
    const many = ['x.*', 'y.#', 'z', 'q.*.q', 'w.#.w', 'v', 'u.*', 'agent.*.log', 'task.7'];
    const read2 = await e.read({ after: 0, patterns: many, limit: 100 });
    expect(read2.entries.map((x) => x.topic)).toEqual(['task.7', 'agent.1.log']);
  });

  it('says complete only when nothing after the position was evicted', async () => {
    const e = engine({ historySize: 3 });
    for (let i = 0; i < 6; i++) await publish(e, 'a');
    // History holds offsets 4..6.
    expect((await e.read({ after: 2, patterns: ['#'], limit: 10 })).complete).toBe(false);
    expect((await e.read({ after: 3, patterns: ['#'], limit: 10 })).complete).toBe(true);
    expect((await e.read({ after: 6, patterns: ['#'], limit: 10 })).complete).toBe(true);
    // A position this log never reached is not trusted.
    expect((await e.read({ after: 7, patterns: ['#'], limit: 10 })).complete).toBe(false);
    // Even when the evicted entries would not have matched, the log cannot prove it.
    expect((await e.read({ after: 0, patterns: ['nothing'], limit: 10 })).complete).toBe(false);
  });

  it('sets truncated when the limit cut the read, and only then', async () => {
    const e = engine();
    for (const t of ['a', 'b', 'a', 'a', 'b', 'a', 'b']) await publish(e, t);
    const first = await e.read({ after: 0, patterns: ['a'], limit: 2 });
    expect(first.entries.map((x) => x.offset)).toEqual([1, 3]);
    expect(first.truncated).toBe(true);
    const second = await e.read({ after: 3, patterns: ['a'], limit: 2 });
    expect(second.entries.map((x) => x.offset)).toEqual([4, 6]);
    // Entries follow (offset 7), but none matches: not truncated.
    expect(second.truncated).toBe(false);
    const none = await e.read({ after: 0, patterns: ['b'], limit: 0 });
    expect(none).toMatchObject({ entries: [], truncated: true });
  });

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
