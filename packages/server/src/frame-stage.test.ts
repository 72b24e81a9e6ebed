import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { FrameContext, FrameStage, RoutedFrame } from './frame-stage.ts';
import type { Principal } from './principal.ts';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, peer, welcomed } = useHubFixture();

const principals: Record<string, Principal> = {
  boss: { id: 'boss' },
  agent: { id: 'agent-7', publish: ['agent.7.#'] },
};
const authenticate = (token: string) => principals[token] ?? false;

/** A stage that lets everything through and writes down what it saw. */
function recorder(seen: string[]): FrameStage {
  return {
    name: 'recorder',
    check(frame: RoutedFrame, context: FrameContext) {
      seen.push(`${context.principal?.id}:${frame.type}:${frame.id}`);
      return undefined;
    },
  };
}

describe('frame stages', () => {
  it('see subscribe, unsubscribe, publish and request frames of an authenticated connection, with its principal', async () => {
    const { url, server, router } = await hub({ authenticate });
    router.route({ method: 'echo', handler: (data) => data });
    const seen: string[] = [];
    server.use(recorder(seen));
    const p = await welcomed(url, 'boss');
    p.send({ type: 'subscribe', id: 's', topics: ['a.#'] });
    p.send({ type: 'publish', id: 'p', topic: 'a.b', data: 1 });
    p.send({ type: 'request', id: 'r', method: 'echo', data: 2 });
    p.send({ type: 'unsubscribe', id: 'u', topics: ['a.#'] });
    p.send({ type: 'ping', id: 'ping' });
    await p.reply('u');
    await p.next('pong', 'ping');
    expect(seen).toEqual([
      'boss:subscribe:s',
      'boss:publish:p',
      'boss:request:r',
      'boss:unsubscribe:u',
    ]);
  });

  it('refuse a frame with an error frame carrying its id; the frame goes no further', async () => {
    const { url, server, router } = await hub();
    server.use({
      name: 'limit',
      check: (frame) =>
        frame.type === 'publish' && frame.topic.startsWith('limited.')
          ? new SwitchboardError(ErrorCode.RATE_LIMITED, 'slow down')
          : undefined,
    });
    const subscriber = await welcomed(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['#'] });
    await subscriber.reply('s');
    const publisher = await welcomed(url);
    publisher.send({ type: 'publish', id: 'no', topic: 'limited.x', data: 1 });
    expect(await publisher.reply('no')).toEqual({
      type: 'error',
      id: 'no',
      code: ErrorCode.RATE_LIMITED,
      message: 'slow down',
    });
    publisher.send({ type: 'publish', id: 'yes', topic: 'free.x', data: 2 });
    expect(await publisher.reply('yes')).toMatchObject({ type: 'ack', ok: true });
    expect((await subscriber.next('event')).topic).toBe('free.x');
    expect(router.stats().published).toBe(1);
  });

  it('run after authorization: a forbidden publish never reaches them', async () => {
    const { url, server } = await hub({ authenticate });
    const seen: string[] = [];
    server.use(recorder(seen));
    const agent = await welcomed(url, 'agent');
    agent.send({ type: 'publish', id: 'forged', topic: 'swarm.1.vote', data: 1 });
    expect(await agent.reply('forged')).toMatchObject({ code: ErrorCode.FORBIDDEN });
    agent.send({ type: 'publish', id: 'own', topic: 'agent.7.status', data: 1 });
    await agent.reply('own');
    expect(seen).toEqual(['agent-7:publish:own']);
  });

  it('see frames sent during authentication once it finished, in order, with the principal', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url, server } = await hub({
      authenticate: async (token) => {
        await gate;
        return authenticate(token);
      },
    });
    const seen: string[] = [];
    server.use(recorder(seen));
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'boss' });
    p.send({ type: 'subscribe', id: 's1', topics: ['job.#'] });
    p.send({ type: 'publish', id: 'p1', topic: 'job.1', data: 1 });
    // All three arrived while authenticate waits, and no stage saw them yet.
    await expect.poll(() => server.stats().messagesIn).toBe(3);
    expect(seen).toEqual([]);
    release();
    await p.reply('p1');
    expect(seen).toEqual(['boss:subscribe:s1', 'boss:publish:p1']);
  });

  it('that throw answer INTERNAL_ERROR and report an error, and the connection keeps working', async () => {
    const { url, server } = await hub();
    const errors: Error[] = [];
    server.on('error', (error) => errors.push(error));
    const remove = server.use({
      name: 'broken',
      check: () => {
        throw new Error('stage bug');
      },
    });
    const p = await welcomed(url);
    p.send({ type: 'publish', id: 'p1', topic: 'a', data: 1 });
    expect(await p.reply('p1')).toMatchObject({ type: 'error', code: ErrorCode.INTERNAL_ERROR });
    expect(errors.map((error) => error.message)).toEqual(['stage bug']);
    remove();
    p.send({ type: 'publish', id: 'p2', topic: 'a', data: 2 });
    expect(await p.reply('p2')).toMatchObject({ type: 'ack', ok: true });
  });

  it('use() refuses something that is not a stage', async () => {
    const { server } = await hub();
    expect(() => server.use({ name: 'x' } as never)).toThrow(TypeError);
    expect(() => server.use(null as never)).toThrow(/needs a stage/);
  });
});
