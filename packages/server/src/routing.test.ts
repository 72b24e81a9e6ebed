import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.ts';
import { useHubFixture } from './test-support/fixture.ts';

const { hub, welcomed } = useHubFixture();

const principals: Record<string, Principal> = {
  coordinator: { id: 'coordinator' },
  agent: { id: 'agent-7', subscribe: ['task.#', 'agent.7.#'], publish: ['agent.7.#'] },
};
const authenticate = (token: string) => principals[token] ?? false;

describe('publish and subscribe', () => {
  it('delivers a wildcard publish across two clients with sequence, offset, epoch and timestamp', async () => {
    const { url, router } = await hub();
    const subscriber = await welcomed(url);
    const publisher = await welcomed(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['agent.*.status'] });
    expect(await subscriber.reply('s')).toMatchObject({ type: 'ack', ok: true });
    publisher.send({
      type: 'publish',
      id: 'm1',
      topic: 'agent.42.status',
      data: { state: 'busy' },
    });
    publisher.send({ type: 'publish', id: 'm2', topic: 'agent.42.health', data: {} });
    publisher.send({
      type: 'publish',
      id: 'm3',
      topic: 'agent.42.status',
      data: { state: 'idle' },
    });
    const ack = await publisher.reply('m1');
    expect(ack).toMatchObject({ type: 'ack', ok: true, sequenceNumber: 1, epoch: router.epoch });
    const first = await subscriber.next('event');
    const second = await subscriber.next('event');
    expect(first).toMatchObject({
      topic: 'agent.42.status',
      data: { state: 'busy' },
      sequenceNumber: 1,
      epoch: router.epoch,
    });
    expect(second).toMatchObject({ data: { state: 'idle' }, sequenceNumber: 2 });
    expect(second.offset).toBeGreaterThan(first.offset);
    expect(typeof first.timestamp).toBe('number');
    await publisher.reply('m3');
    expect(subscriber.frames.filter((f) => f.type === 'event')).toHaveLength(0);
  });

  it('delivers once per connection even when several of its patterns match', async () => {
    const { url, router } = await hub();
    const subscriber = await welcomed(url);
    subscriber.send({
      type: 'subscribe',
      id: 's',
      topics: ['task.#', 'task.*.progress', '#', 'task.9.progress'],
    });
    await subscriber.reply('s');
    await router.publish('task.9.progress', { pct: 10 });
    await router.publish('task.9.done', {});
    const first = await subscriber.next('event');
    const second = await subscriber.next('event');
    expect([first.topic, second.topic]).toEqual(['task.9.progress', 'task.9.done']);
    expect(subscriber.frames.filter((f) => f.type === 'event')).toHaveLength(0);
  });

  it('echoes to the publisher by default and not when echo is false', async () => {
    const { url } = await hub();
    const peer = await welcomed(url);
    peer.send({ type: 'subscribe', id: 's', topics: ['chat.#'] });
    await peer.reply('s');
    peer.send({ type: 'publish', id: 'quiet', topic: 'chat.room', data: 'no echo', echo: false });
    await peer.reply('quiet');
    peer.send({ type: 'publish', id: 'loud', topic: 'chat.room', data: 'echo' });
    await peer.reply('loud');
    const event = await peer.next('event');
    expect(event.data).toBe('echo');
    expect(peer.frames.filter((f) => f.type === 'event')).toHaveLength(0);
  });

  it('stops delivering after unsubscribe and acks it', async () => {
    const { url, router } = await hub();
    const peer = await welcomed(url);
    peer.send({ type: 'subscribe', id: 's', topics: ['a.#'] });
    await peer.reply('s');
    peer.send({ type: 'unsubscribe', id: 'u', topics: ['a.#'] });
    expect(await peer.reply('u')).toMatchObject({ type: 'ack', ok: true });
    await router.publish('a.b', 1);
    peer.send({ type: 'ping', id: 'sync' });
    await peer.next('pong', 'sync');
    expect(peer.frames.filter((f) => f.type === 'event')).toHaveLength(0);
    expect(router.stats().subscriptions).toBe(0);
  });

  it('drops a repeated message id and acks it as a duplicate', async () => {
    const { url, router } = await hub();
    const peer = await welcomed(url);
    peer.send({ type: 'publish', id: 'same', topic: 'x.y', data: 1 });
    const first = await peer.reply('same');
    peer.send({ type: 'publish', id: 'same', topic: 'x.y', data: 1 });
    const second = await peer.reply('same');
    expect(first).toMatchObject({ duplicate: false });
    expect(second).toMatchObject({ duplicate: true, offset: (first as { offset: number }).offset });
    expect(router.engine.stats().head).toBe(1);
  });
});

describe('authorization', () => {
  it('refuses a wildcard subscription that could match topics outside the allowed patterns', async () => {
    const { url } = await hub({ authenticate });
    const agent = await welcomed(url, 'agent');
    agent.send({ type: 'subscribe', id: 'ok', topics: ['task.*.progress', 'agent.7.#'] });
    expect(await agent.reply('ok')).toMatchObject({ type: 'ack' });
    for (const pattern of ['#', 'agent.*.status', '*.7.status', 'agent.#']) {
      agent.send({ type: 'subscribe', id: pattern, topics: [pattern] });
      expect(await agent.reply(pattern)).toMatchObject({
        type: 'error',
        code: ErrorCode.FORBIDDEN,
        id: pattern,
      });
    }
  });

  it('refuses a publish outside the allowed patterns and delivers nothing', async () => {
    const { url } = await hub({ authenticate });
    const coordinator = await welcomed(url, 'coordinator');
    const agent = await welcomed(url, 'agent');
    coordinator.send({ type: 'subscribe', id: 's', topics: ['#'] });
    await coordinator.reply('s');
    agent.send({
      type: 'publish',
      id: 'forged',
      topic: 'swarm.1.consensus',
      data: { result: 'yes' },
    });
    expect(await agent.reply('forged')).toMatchObject({ type: 'error', code: ErrorCode.FORBIDDEN });
    agent.send({ type: 'publish', id: 'own', topic: 'agent.7.status', data: 'idle' });
    expect(await agent.reply('own')).toMatchObject({ type: 'ack', ok: true });
    expect((await coordinator.next('event')).topic).toBe('agent.7.status');
  });

  it('answers an invalid pattern and an invalid topic with their codes and the request id', async () => {
    const { url } = await hub();
    const peer = await welcomed(url);
    peer.send({ type: 'subscribe', id: 'bad-pattern', topics: ['a.b*'] });
    expect(await peer.reply('bad-pattern')).toMatchObject({
      type: 'error',
      code: ErrorCode.INVALID_PATTERN,
    });
    peer.send({ type: 'publish', id: 'bad-topic', topic: 'a.*', data: 1 });
    expect(await peer.reply('bad-topic')).toMatchObject({
      type: 'error',
      code: ErrorCode.INVALID_TOPIC,
    });
  });

  it('enforces maxSubscriptionsPerClient', async () => {
    const { url } = await hub({ maxSubscriptionsPerClient: 2 });
    const peer = await welcomed(url);
    peer.send({ type: 'subscribe', id: 'two', topics: ['a', 'b'] });
    await peer.reply('two');
    peer.send({ type: 'subscribe', id: 'again', topics: ['a'] });
    expect(await peer.reply('again')).toMatchObject({ type: 'ack' });
    peer.send({ type: 'subscribe', id: 'three', topics: ['c'] });
    expect(await peer.reply('three')).toMatchObject({
      type: 'error',
      code: ErrorCode.TOO_MANY_SUBSCRIPTIONS,
    });
  });
});

describe('request/response routes', () => {
  it('routes by method and by pattern, runs middleware, and turns handler errors into error responses', async () => {
    const { url, router } = await hub({ authenticate });
    const seen: string[] = [];
    router.route({
      method: 'math.add',
      handler: (data) => (data as number[]).reduce((a, b) => a + b, 0),
    });
    router.route({
      topic: 'admin.#',
      middleware: [
        (context, next) => {
          seen.push(context.method);
          if (context.principal?.id !== 'coordinator') {
            throw new SwitchboardError(ErrorCode.FORBIDDEN, 'coordinators only');
          }
          return next();
        },
      ],
      handler: (_data, context) => ({ by: context.principal?.id }),
    });
    router.route({
      method: 'boom',
      handler: async () => {
        throw new Error('kaput');
      },
    });
    const errors: Error[] = [];
    router.on('error', (error) => errors.push(error));
    const agent = await welcomed(url, 'agent');
    const coordinator = await welcomed(url, 'coordinator');
    agent.send({ type: 'request', id: 'r1', method: 'math.add', data: [1, 2, 3] });
    expect(await agent.reply('r1')).toEqual({ type: 'response', id: 'r1', data: 6 });
    agent.send({ type: 'request', id: 'r2', method: 'admin.reset', data: null });
    expect(await agent.reply('r2')).toMatchObject({ type: 'error', code: ErrorCode.FORBIDDEN });
    coordinator.send({ type: 'request', id: 'r3', method: 'admin.reset', data: null });
    expect(await coordinator.reply('r3')).toMatchObject({
      type: 'response',
      data: { by: 'coordinator' },
    });
    agent.send({ type: 'request', id: 'r4', method: 'boom', data: null });
    expect(await agent.reply('r4')).toMatchObject({
      type: 'error',
      code: ErrorCode.INTERNAL_ERROR,
      message: 'kaput',
    });
    agent.send({ type: 'request', id: 'r5', method: 'nope', data: null });
    expect(await agent.reply('r5')).toMatchObject({ type: 'error', code: ErrorCode.NOT_FOUND });
    expect(seen).toEqual(['admin.reset', 'admin.reset']);
    expect(errors.map((e) => e.message)).toEqual(['kaput']);
  });
});
