import { describe, expect, it } from 'vitest';
import { checkRateLimitOptions, compileLimits } from './rate-limit-options.ts';
import { WSServer } from './ws-server.ts';

describe('rateLimit option', () => {
  it('names unknown keys in a TypeError instead of ignoring them', () => {
    expect(() => new WSServer({ rateLimit: { maxMessage: 100, windowMs: 1 } as never })).toThrow(
      /WSServer option "rateLimit": unknown option "maxMessage"/,
    );
    expect(
      () =>
        new WSServer({
          rateLimit: { publish: { maxMessages: 1, windowMs: 1, window: 2 } } as never,
        }),
    ).toThrow(/"rateLimit.publish": unknown option "window"/);
  });

  it('checks every value under its full name', () => {
    const bad: [unknown, RegExp][] = [
      [5, /"rateLimit" must be an object/],
      [{ maxMessages: 100 }, /"rateLimit.maxMessages" and "rateLimit.windowMs" go together/],
      [{ maxMessages: 0, windowMs: 1 }, /"rateLimit.maxMessages" must be an integer >= 1/],
      [{ publish: { maxMessages: 1, windowMs: 1.5 } }, /"rateLimit.publish.windowMs" must/],
      [{ request: { maxMessages: 1, windowMs: 1, burst: 0 } }, /"rateLimit.request.burst"/],
      [{ subscribe: { maxMessages: 1 } }, /"rateLimit.subscribe" needs maxMessages and windowMs/],
      [{ auth: true }, /"rateLimit.auth" must be \{ maxMessages, windowMs, burst\? \} or false/],
      [{ policy: 'drop' }, /"rateLimit.policy" must be one of "refuse", "disconnect"/],
      [{ disconnectAfter: 3 }, /need "rateLimit.policy": 'disconnect'/],
      [
        { maxMessages: 1, windowMs: 1, messages: { maxMessages: 1, windowMs: 1 } },
        /"rateLimit.maxMessages" and "rateLimit.messages" conflict/,
      ],
    ];
    for (const [rateLimit, message] of bad) {
      expect(() => new WSServer({ rateLimit: rateLimit as never })).toThrow(TypeError);
      expect(() => new WSServer({ rateLimit: rateLimit as never })).toThrow(message);
    }
    expect(() =>
      checkRateLimitOptions('x', 'y', { policy: 'disconnect', disconnectWindowMs: 0 }),
    ).toThrow(/"y.disconnectWindowMs"/);
  });
});

describe('compileLimits', () => {
  it('maps the seed shorthand onto the messages bucket: maxMessages tokens, refilled at maxMessages / windowMs', () => {
    const limits = compileLimits({ maxMessages: 100, windowMs: 60_000 });
    expect(limits.buckets.messages).toEqual({
      name: 'messages',
      maxMessages: 100,
      windowMs: 60_000,
      capacity: 100,
      perMs: 100 / 60_000,
    });
    expect(limits.routed).toBe(true);
    expect(limits.disconnectAfter).toBe(Number.POSITIVE_INFINITY);
  });

  it('limits only auth refreshes by default', () => {
    const limits = compileLimits(undefined);
    expect(limits.routed).toBe(false);
    expect(Object.entries(limits.buckets).filter(([, spec]) => spec !== undefined)).toEqual([
      ['auth', expect.objectContaining({ maxMessages: 10, windowMs: 60_000, capacity: 10 })],
    ]);
    expect(compileLimits({ auth: false }).buckets.auth).toBeUndefined();
  });

  it("lays a principal's rateLimits over the server's, key by key; false removes a limit", () => {
    const server = {
      maxMessages: 100,
      windowMs: 60_000,
      publish: { maxMessages: 5, windowMs: 1_000 },
    };
    const limits = compileLimits(server, {
      messages: false,
      subscribe: { maxMessages: 1, windowMs: 1 },
    });
    expect(limits.buckets.messages).toBeUndefined();
    expect(limits.buckets.publish).toMatchObject({ maxMessages: 5 });
    expect(limits.buckets.subscribe).toMatchObject({ maxMessages: 1 });
    expect(compileLimits(server, { maxMessages: 7, windowMs: 1 }).buckets.messages).toMatchObject({
      maxMessages: 7,
    });
    expect(compileLimits(server, {}).key).toBe(compileLimits(server).key);
    expect(
      compileLimits(server, { policy: 'disconnect', disconnectAfter: 2 }).disconnectAfter,
    ).toBe(2);
  });
});
