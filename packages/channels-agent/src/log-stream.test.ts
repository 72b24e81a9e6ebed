import { describe, expect, it } from 'vitest';
import { BatchingLogStream, fit, type LogStreamOptions, utf8Length } from './log-stream.ts';
import type { AgentLogsEvent } from './schemas.ts';

/** A publish whose acks the test releases one by one. */
function gatedHub() {
  const batches: AgentLogsEvent[] = [];
  const pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let arrived: (() => void) | undefined;
  return {
    batches,
    publish: (payload: AgentLogsEvent) =>
      new Promise<void>((resolve, reject) => {
        batches.push(payload);
        pending.push({ resolve, reject });
        arrived?.();
      }),
    /** Resolves once `count` batches were handed to publish. */
    async published(count: number): Promise<void> {
      while (batches.length < count) await new Promise<void>((r) => (arrived = r));
    },
    ack(): void {
      pending.shift()!.resolve();
    },
    fail(error: unknown): void {
      pending.shift()!.reject(error);
    },
  };
}

function stream(hub: ReturnType<typeof gatedHub>, options: LogStreamOptions = {}) {
  const errors: unknown[] = [];
  const s = new BatchingLogStream('a1', hub.publish, (e) => errors.push(e), options);
  return { s, errors };
}

describe('BatchingLogStream', () => {
  it('sends a full batch at once and keeps one batch in flight', async () => {
    const hub = gatedHub();
    const { s } = stream(hub, { maxBatchLines: 3, flushIntervalMs: 60_000 });
    for (let i = 1; i <= 7; i++) s.write(`l${i}`);
    await hub.published(1);
    expect(hub.batches[0]!.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(s.stats()).toMatchObject({ buffered: 4 });
    hub.ack();
    await hub.published(2);
    expect(hub.batches[1]!.lines.map((l) => l.seq)).toEqual([4, 5, 6]);
    // Line 7 alone waits for the interval (a minute here) or a flush.
    const flushed = s.flush();
    hub.ack();
    await hub.published(3);
    expect(hub.batches[2]!.lines.map((l) => l.text)).toEqual(['l7']);
    hub.ack();
    await flushed;
    expect(s.stats()).toEqual({ written: 7, sent: 7, dropped: 0, buffered: 0, batches: 3 });
  });

  it('drops the oldest lines while a batch is in flight and reports the count in the next batch', async () => {
    const hub = gatedHub();
    const { s } = stream(hub, { maxBatchLines: 10, maxBufferedLines: 100, flushIntervalMs: 1 });
    for (let i = 1; i <= 10; i++) s.write(`l${i}`);
    await hub.published(1); // 1..10 in flight, the hub is slow
    for (let i = 11; i <= 1000; i++) s.write(`l${i}`);
    expect(s.stats()).toMatchObject({ buffered: 100, dropped: 890 });
    hub.ack();
    await hub.published(2);
    expect(hub.batches[1]!.dropped).toBe(890);
    expect(hub.batches[1]!.lines.map((l) => l.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => 901 + i),
    );
    const closing = s.close();
    for (let n = 2; n < 11; n++) {
      hub.ack();
      await hub.published(n + 1);
      expect(hub.batches[n]!.dropped).toBe(0);
    }
    hub.ack();
    await closing;
    const seqs = hub.batches.flatMap((b) => b.lines.map((l) => l.seq));
    expect(seqs).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), ...range(901, 1000)]);
    // After close, writes are ignored.
    s.write('late');
    expect(s.stats()).toMatchObject({ written: 1000, sent: 110, dropped: 890, buffered: 0 });
  });

  it('limits batches by bytes and cuts a line longer than a batch', async () => {
    const hub = gatedHub();
    const { s } = stream(hub, { maxBatchBytes: 1024, maxBatchLines: 1000, flushIntervalMs: 1 });
    s.write('x'.repeat(5000));
    for (let i = 0; i < 10; i++) s.write('y'.repeat(200));
    const done = s.flush();
    await hub.published(1);
    expect(hub.batches[0]!.lines).toHaveLength(1);
    expect(hub.batches[0]!.lines[0]!.text).toHaveLength(1024 - 64);
    for (let n = 1; ; n++) {
      hub.ack();
      if (s.stats().buffered === 0 && hub.batches.length === n) break;
      await hub.published(n + 1);
      const bytes = hub.batches[n]!.lines.reduce((sum, l) => sum + l.text.length + 64, 0);
      expect(bytes).toBeLessThanOrEqual(1024);
    }
    await done;
    expect(hub.batches.flatMap((b) => b.lines).length).toBe(11);
  });

  it('sends a partial batch after flushIntervalMs', async () => {
    const hub = gatedHub();
    const { s } = stream(hub, { maxBatchLines: 100, flushIntervalMs: 5 });
    s.write('only');
    s.write('two', 'stderr');
    await hub.published(1);
    expect(hub.batches[0]!.lines.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [1, 'stdout', 'only'],
      [2, 'stderr', 'two'],
    ]);
  });

  it('counts a batch the hub refused as dropped, reports the error, and goes on', async () => {
    const hub = gatedHub();
    const { s, errors } = stream(hub, { maxBatchLines: 2, flushIntervalMs: 1 });
    s.write('a');
    s.write('b');
    await hub.published(1);
    s.write('c');
    hub.fail(new Error('queue full'));
    await hub.published(2);
    expect(errors).toHaveLength(1);
    expect(hub.batches[1]).toMatchObject({ dropped: 2, lines: [{ seq: 3, text: 'c' }] });
    hub.ack();
    await s.flush();
    expect(s.stats()).toMatchObject({ sent: 1, dropped: 2 });
  });

  it('flush() and close() resolve at once when nothing is pending', async () => {
    const hub = gatedHub();
    const { s } = stream(hub);
    await s.flush();
    await s.close();
    expect(s.closed).toBe(true);
    expect(hub.batches).toEqual([]);
  });

  it('refuses bad or conflicting options with a TypeError naming them', () => {
    const hub = gatedHub();
    expect(() => stream(hub, { maxBatchLines: 0 })).toThrow(/maxBatchLines/);
    expect(() => stream(hub, { flushIntervalMs: -1 })).toThrow(/flushIntervalMs/);
    expect(() => stream(hub, { maxBatchBytes: 10 })).toThrow(/maxBatchBytes/);
    expect(() => stream(hub, { maxBatchLines: 50, maxBufferedLines: 10 })).toThrow(
      /maxBufferedLines.*maxBatchLines/,
    );
  });

  it('refuses a flush interval setTimeout cannot honour, and unknown options', () => {
    const hub = gatedHub();
    // setTimeout fires a delay above 2^31-1 ms at once: the interval would be ignored.
    expect(() => stream(hub, { flushIntervalMs: 2 ** 31 })).toThrow(
      new TypeError(
        'createLogStream option "flushIntervalMs" must be a number from 0 to 2147483647, got 2147483648',
      ),
    );
    expect(() => stream(hub, { flushInterval: 10 } as LogStreamOptions)).toThrow(
      new TypeError(
        'createLogStream: unknown option "flushInterval"; supported: maxBatchLines, maxBatchBytes, flushIntervalMs, maxBufferedLines',
      ),
    );
  });
});

describe('utf8Length and fit', () => {
  it('count UTF-8 bytes and never cut a surrogate pair', () => {
    expect(utf8Length('aé€😀')).toBe(new TextEncoder().encode('aé€😀').length);
    expect(fit('😀😀', 5)).toBe('😀');
    expect(fit('abc', 10)).toBe('abc');
    expect(utf8Length(fit('é'.repeat(100), 11))).toBe(10);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
