import { ErrorCode } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.ts';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, welcomed } = useHubFixture();

/** An ACL whose containment cannot be decided within the work bound for some patterns. */
const HARD_ACL = `#.y${'.*'.repeat(12)}.#${'.*'.repeat(10)}.y.#.*`;
const HARD_PROBE = 'y.*.*.*.*.*.x.*.*.y.x.#.y.#.y.#.y.#.y.#.y.#.y.#.y.x.x.*.*.x.y.*';

const principals: Record<string, Principal> = {
  agent: { id: 'agent-7', subscribe: ['agent.7.#'] },
  odd: { id: 'odd', subscribe: [HARD_ACL] },
};
const authenticate = (token: string) => principals[token] ?? false;

describe('subscribe authorization has bounded work', () => {
  it('decides the stars-after-# attack inside agent.7.# at once, and the hub keeps answering', async () => {
    const { url } = await hub({ authenticate });
    const agent = await welcomed(url, 'agent');
    // 32 segments: agent.7.#.x then 28 stars. The old containment walk needed ~2^29 states.
    const attack = `agent.7.#.x${'.*'.repeat(28)}`;
    agent.send({ type: 'subscribe', id: 'attack', topics: [attack] });
    expect(await agent.reply('attack')).toMatchObject({ type: 'ack', ok: true });
    agent.send({ type: 'subscribe', id: 'outside', topics: [`agent.#.x${'.*'.repeat(20)}`] });
    expect(await agent.reply('outside')).toMatchObject({
      type: 'error',
      code: ErrorCode.FORBIDDEN,
    });
    agent.send({ type: 'ping', id: 'p' });
    expect(await agent.reply('p')).toMatchObject({ type: 'pong', id: 'p' });
  });

  it('answers PATTERN_TOO_COMPLEX, not FORBIDDEN, when containment is past the work bound', async () => {
    const { url } = await hub({ authenticate });
    const odd = await welcomed(url, 'odd');
    odd.send({ type: 'subscribe', id: 's', topics: [HARD_PROBE] });
    expect(await odd.reply('s')).toMatchObject({
      type: 'error',
      id: 's',
      code: ErrorCode.PATTERN_TOO_COMPLEX,
      details: { pattern: HARD_PROBE },
    });
    // The connection stays up and a decidable pattern still works.
    odd.send({ type: 'subscribe', id: 'ok', topics: [`y${'.*'.repeat(23)}.y.z.a`] });
    expect(await odd.reply('ok')).toMatchObject({ type: 'ack', ok: true });
  });
});
