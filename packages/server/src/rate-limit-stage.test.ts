import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { FrameContext, RoutedFrame } from './frame-stage.ts';
import type { Principal } from './principal.ts';
import type { RateLimitOptions } from './rate-limit-options.ts';
import { RateLimitStage } from './rate-limit-stage.ts';

const publish: RoutedFrame = { type: 'publish', id: 'm', topic: 'a', data: null };

function context(
  id: string,
  principal: Principal | null,
): FrameContext & { principal: Principal | null } {
  return { id, principal, remoteAddress: undefined, connectedAt: 0, protocolVersion: 1 };
}

function stage(options: RateLimitOptions | undefined) {
  const disconnected: string[] = [];
  const limiter = new RateLimitStage(options, (ctx) => disconnected.push(ctx.id));
  let now = 0;
  limiter.clock = () => now;
  return {
    limiter,
    disconnected,
    advance: (ms: number) => {
      now += ms;
    },
    /** How many of `count` publishes pass. */
    passes(ctx: FrameContext, count: number): number {
      let passed = 0;
      for (let i = 0; i < count; i++) if (limiter.check(publish, ctx) === undefined) passed += 1;
      return passed;
    },
  };
}

describe('RateLimitStage', () => {
  it('costs nothing without routed limits: no state is kept for a connection', () => {
    const { limiter, passes } = stage(undefined);
    const ctx = context('c1', { id: 'agent' });
    expect(passes(ctx, 1_000)).toBe(1_000);
    expect(limiter.principals).toBe(0);
  });

  it("moves a connection to its new principal's buckets when its principal changes (token refresh)", () => {
    const { limiter, passes } = stage({ publish: { maxMessages: 2, windowMs: 1_000 } });
    const ctx = context('c1', { id: 'alice' });
    expect(passes(ctx, 2)).toBe(2);
    ctx.principal = { id: 'bob' };
    expect(passes(ctx, 3)).toBe(2);
    // alice's buckets went with her last connection; bob's stay while he is connected.
    expect(limiter.principals).toBe(1);
    limiter.closed(ctx);
    expect(limiter.principals).toBe(0);
    limiter.closed(ctx); // twice, or for a connection it never saw: nothing happens
    limiter.closed(context('other', null));
  });

  it("applies the limits a principal's latest connection brings to its shared buckets, keeping the tokens", () => {
    const { passes } = stage({ publish: { maxMessages: 10, windowMs: 1_000 } });
    const first = context('c1', {
      id: 'agent',
      rateLimits: { publish: { maxMessages: 10, windowMs: 1_000 } },
    });
    expect(passes(first, 7)).toBe(7);
    const second = context('c2', {
      id: 'agent',
      rateLimits: { publish: { maxMessages: 5, windowMs: 1_000 } },
    });
    expect(passes(second, 5)).toBe(3);
    expect(passes(first, 1)).toBe(0);
  });

  it('answers RATE_LIMIT_EXCEEDED naming the limit that binds', () => {
    const { limiter, advance } = stage({
      maxMessages: 2,
      windowMs: 1_000,
      publish: { maxMessages: 1, windowMs: 100 },
    });
    const ctx = context('c1', null);
    expect(limiter.check(publish, ctx)).toBeUndefined();
    expect(limiter.check(publish, ctx)?.details).toMatchObject({
      limit: 'publish',
      retryAfterMs: 100,
    });
    advance(100);
    expect(limiter.check(publish, ctx)).toBeUndefined();
    advance(100);
    const refusal = limiter.check(publish, ctx) as SwitchboardError;
    expect(refusal.code).toBe(ErrorCode.RATE_LIMIT_EXCEEDED);
    expect(refusal.details).toMatchObject({ limit: 'messages', retryAfterMs: 300 });
    expect(refusal.message).toBe(
      'Rate limit exceeded: at most 2 messages per 1000 ms; retry in 300 ms',
    );
  });

  it('asks to disconnect once per window at the disconnectAfter-th refusal', () => {
    const { limiter, disconnected, advance } = stage({
      publish: { maxMessages: 1, windowMs: 60_000 },
      policy: 'disconnect',
      disconnectAfter: 2,
      disconnectWindowMs: 500,
    });
    const ctx = context('c1', null);
    limiter.check(publish, ctx);
    limiter.check(publish, ctx);
    advance(500);
    limiter.check(publish, ctx);
    expect(disconnected).toEqual([]);
    limiter.check(publish, ctx);
    expect(disconnected).toEqual(['c1']);
  });
});
