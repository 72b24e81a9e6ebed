import { describe, expect, it } from 'vitest';
import { type Flushable, FlushScheduler } from './flush-scheduler.ts';

/** A target whose flush takes `ms` of CPU and records its turn in `log`. */
function target(name: string, log: string[], ms = 0): Flushable & { flushes: number } {
  return {
    flushQueued: false,
    flushes: 0,
    flush() {
      this.flushes += 1;
      log.push(name);
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // burn CPU like a socket write would
      }
    },
  };
}

function idle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('FlushScheduler', () => {
  it('flushes a target once per turn however often it was scheduled, in scheduling order', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    const a = target('a', log);
    const b = target('b', log);
    scheduler.schedule(a);
    scheduler.schedule(b);
    scheduler.schedule(a);
    expect(scheduler.pending).toBe(2);
    await idle();
    expect(log).toEqual(['a', 'b']);
    expect(scheduler.pending).toBe(0);
  });

  it('a target scheduled again from its own flush waits for the next slice', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler();
    let again = 3;
    const a: Flushable = {
      flushQueued: false,
      flush() {
        log.push('a');
        if (--again > 0) scheduler.schedule(a);
      },
    };
    scheduler.schedule(a);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a']);
    while (scheduler.pending > 0) await idle();
    expect(log).toEqual(['a', 'a', 'a']);
  });

  it('splits a long flush into slices and lets other callbacks run in between', async () => {
    const log: string[] = [];
    const scheduler = new FlushScheduler(5);
    const targets = Array.from({ length: 200 }, (_, i) => target(`t${i}`, log, 0.25));
    for (const t of targets) scheduler.schedule(t);
    // Queued behind the first slice: runs before the whole flush is over.
    setImmediate(() => log.push('io'));
    while (scheduler.pending > 0) await idle();
    const at = log.indexOf('io');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(log.length - 1);
    expect(log.filter((entry) => entry !== 'io')).toEqual(targets.map((_, i) => `t${i}`));
    expect(targets.every((t) => t.flushes === 1)).toBe(true);
  });
});
