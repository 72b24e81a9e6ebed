import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { SubscriptionRegistry } from './subscriptions.ts';
import { rejection } from './testing/harness.ts';

const ids = () => {
  let n = 0;
  return () => `s${++n}`;
};
const outcome = (pattern: string, replayed = 0) => ({
  pattern,
  wasRecovering: false,
  recovered: false,
  replayed,
});

describe('SubscriptionRegistry', () => {
  it('resolves a call once every pattern is confirmed, by any frame', async () => {
    const registry = new SubscriptionRegistry();
    const call = registry.add(['a', 'b'], undefined);
    registry.confirm(['a'], [outcome('a', 2)]);
    registry.confirm(['b', 'c'], undefined);
    await expect(call).resolves.toEqual([outcome('a', 2), outcome('b')]);
    // 'c' was never wanted, so an ack for it does not add it.
    expect(registry.patterns()).toEqual(new Set(['a', 'b']));
    registry.confirm(['c'], undefined, true);
    expect(registry.patterns()).toEqual(new Set(['a', 'b', 'c']));
  });

  it('groups resubscribe frames: confirmed ones resume, new ones keep their since', () => {
    const registry = new SubscriptionRegistry();
    void registry.add(['old.1', 'old.2'], undefined);
    registry.confirm(['old.1', 'old.2'], undefined);
    void registry.add(['new.plain'], undefined).catch(() => {});
    void registry.add(['new.history'], 5).catch(() => {});
    const position = { epoch: 'e', offset: 9 };
    expect(registry.resubscribeFrames(position, ids())).toEqual([
      { type: 'subscribe', id: 's1', topics: ['old.1', 'old.2'], position },
      { type: 'subscribe', id: 's2', topics: ['new.plain'] },
      { type: 'subscribe', id: 's3', topics: ['new.history'], since: 5 },
    ]);
    // Without a position everything plain goes in one frame.
    expect(registry.resubscribeFrames(undefined, ids()).map((f) => f.topics)).toEqual([
      ['old.1', 'old.2', 'new.plain'],
      ['new.history'],
    ]);
  });

  it('chunks resubscribes by 100 patterns', () => {
    const registry = new SubscriptionRegistry();
    const patterns = Array.from({ length: 201 }, (_, i) => `p.${i}`);
    void registry.add(patterns, undefined).catch(() => {});
    const frames = registry.resubscribeFrames(undefined, ids());
    expect(frames.map((f) => f.topics.length)).toEqual([100, 100, 1]);
  });

  it('refuse forgets the patterns and rejects their calls; fail keeps them', async () => {
    const registry = new SubscriptionRegistry();
    const refused = rejection(registry.add(['x', 'y'], undefined));
    const timedOut = rejection(registry.add(['z'], undefined));
    registry.refuse(['x'], new SwitchboardError(ErrorCode.FORBIDDEN, 'no'));
    registry.fail(['z'], new SwitchboardError(ErrorCode.TIMEOUT, 'slow'));
    expect(((await refused) as SwitchboardError).code).toBe(ErrorCode.FORBIDDEN);
    expect(((await timedOut) as SwitchboardError).code).toBe(ErrorCode.TIMEOUT);
    expect(registry.patterns()).toEqual(new Set(['y', 'z']));
  });

  it('rejects calls orphaned by an unsubscribe', async () => {
    const registry = new SubscriptionRegistry();
    const call = rejection(registry.add(['gone'], undefined));
    registry.remove(['gone']);
    registry.rejectOrphans(new SwitchboardError(ErrorCode.CONNECTION_CLOSED, 'dropped'));
    expect(((await call) as SwitchboardError).code).toBe(ErrorCode.CONNECTION_CLOSED);
    expect(registry.patterns().size).toBe(0);
  });
});
