import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

/** 100 per minute, the seed's example. */
const SEED = { capacity: 100, perMs: 100 / 60_000 };

describe('TokenBucket', () => {
  it('starts full and refuses the first frame past its capacity', () => {
    const bucket = new TokenBucket(SEED, 0);
    for (let i = 0; i < 100; i++) {
      expect(bucket.wait(0)).toBe(0);
      bucket.take();
    }
    expect(bucket.wait(0)).toBe(600);
  });

  it('refills lazily at its rate: the promised wait is exactly enough', () => {
    const bucket = new TokenBucket(SEED, 1_000);
    for (let i = 0; i < 100; i++) bucket.take();
    expect(bucket.wait(1_000)).toBe(600);
    expect(bucket.wait(1_599)).toBe(1);
    expect(bucket.wait(1_600)).toBe(0);
    bucket.take();
    expect(bucket.wait(1_600)).toBe(600);
    // A whole window refills the whole bucket, and no more.
    expect(bucket.tokens(1_600 + 60_000)).toBe(100);
    expect(bucket.tokens(1_600 + 600_000)).toBe(100);
  });

  it('waits at least 1 ms when empty, even for fast rates', () => {
    const bucket = new TokenBucket({ capacity: 1, perMs: 1_000 }, 0);
    bucket.take();
    expect(bucket.wait(0)).toBe(1);
  });

  it('refills nothing when the clock steps back', () => {
    const bucket = new TokenBucket({ capacity: 2, perMs: 1 }, 100);
    bucket.take();
    bucket.take();
    expect(bucket.tokens(50)).toBe(0);
    expect(bucket.tokens(101)).toBe(1);
  });

  it('keeps its tokens, up to the new capacity, when reconfigured', () => {
    const bucket = new TokenBucket({ capacity: 10, perMs: 0.001 }, 0);
    for (let i = 0; i < 4; i++) bucket.take();
    bucket.reconfigure({ capacity: 20, perMs: 0.001 }, 0);
    expect(bucket.tokens(0)).toBe(6);
    bucket.reconfigure({ capacity: 3, perMs: 0.001 }, 0);
    expect(bucket.tokens(0)).toBe(3);
  });

  it('never passes more than capacity + rate x elapsed, and passes whenever a token is there', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 20 })), {
          maxLength: 40,
        }),
        (maxMessages, windowMs, steps) => {
          const spec = { capacity: maxMessages, perMs: maxMessages / windowMs };
          const bucket = new TokenBucket(spec, 0);
          // Oracle: tokens in whole "parts per windowMs", so the arithmetic is exact.
          let parts = maxMessages * windowMs;
          let now = 0;
          let passed = 0;
          for (const [advance, attempts] of steps) {
            now += advance;
            parts = Math.min(maxMessages * windowMs, parts + advance * maxMessages);
            for (let i = 0; i < attempts; i++) {
              const expectPass = parts >= windowMs;
              expect(bucket.wait(now) === 0).toBe(expectPass);
              if (!expectPass) break;
              bucket.take();
              parts -= windowMs;
              passed += 1;
            }
          }
          expect(passed).toBeLessThanOrEqual(maxMessages + Math.floor(spec.perMs * now) + 1);
        },
      ),
    );
  });
});
