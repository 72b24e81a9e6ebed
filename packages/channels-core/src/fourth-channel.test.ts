import { ErrorCode, type SwitchboardError } from '@switchboard/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  ChannelClient,
  ChannelServer,
  defineChannel,
  type EventMeta,
  type HubClient,
  type HubRouter,
  type InputOf,
  type KindOf,
  SegmentId,
  type SpecOf,
  type SubscribeOptions,
  Timestamp,
} from './index.ts';
import { MemoryHub } from './test-support/memory-hub.ts';

// The README's "Adding a channel": a fourth channel is this much code.
const DEPLOY_CHANNEL = defineChannel({
  prefix: 'deploy',
  id: 'deployId',
  kinds: ['started', 'finished'],
  schemas: {
    started: z.object({ deployId: SegmentId, service: z.string().min(1), at: Timestamp }),
    finished: z.object({ deployId: SegmentId, ok: z.boolean(), at: Timestamp }),
  },
  events: { finished: 'deploy-finished' },
});
type DeploySpec = SpecOf<typeof DEPLOY_CHANNEL>;

class DeployChannelServer extends ChannelServer<DeploySpec> {
  constructor(router: HubRouter) {
    super(DEPLOY_CHANNEL, router);
  }
  publishStarted(input: InputOf<DeploySpec, 'started'>) {
    return this.publishEvent('started', input);
  }
  publishFinished(input: InputOf<DeploySpec, 'finished'>) {
    return this.publishEvent('finished', input);
  }
}

class DeployChannelClient extends ChannelClient<DeploySpec> {
  constructor(client: HubClient, options?: { maxTrackedTopics?: number }) {
    super(DEPLOY_CHANNEL, client, options);
  }
  subscribeToDeploy(deployId: string, options?: SubscribeOptions<KindOf<DeploySpec>>) {
    return this.subscribeTo(deployId, options);
  }
  unsubscribeFromDeploy(deployId: string) {
    return this.unsubscribeFrom(deployId);
  }
  /** Resolves with the deploy's outcome, also one published before the call. */
  waitForFinished(deployId: string, timeoutMs?: number) {
    return this.waitForEvent(
      { id: deployId, kinds: ['finished'] },
      { timeoutMs, what: `deploy "${deployId}"`, owner: 'waitForFinished' },
      (event) => ({ value: event.payload }),
    );
  }
}

function setup() {
  const hub = new MemoryHub();
  const client = hub.connect();
  return {
    hub,
    client,
    server: new DeployChannelServer(hub),
    deploys: new DeployChannelClient(client),
  };
}

function nextError(channel: DeployChannelClient): Promise<SwitchboardError> {
  return new Promise((resolve) => channel.once('error', resolve));
}

describe('a fourth channel defined with the template', () => {
  it('publishes to <prefix>.<id>.<kind> and emits each kind and its per-entity twin with meta', async () => {
    const { server, deploys } = setup();
    await deploys.subscribeAll();
    const seen: string[] = [];
    deploys.on('started', (event, meta) => seen.push(`started ${event.service} ${meta.topic}`));
    deploys.on('started:d1', (event) => seen.push(`started:d1 ${event.deployId}`));
    deploys.on('deploy-finished', (event, meta) =>
      seen.push(`finished ${event.ok} ${meta.sequenceNumber}`),
    );
    deploys.on('deploy-finished:d1', (event) => seen.push(`finished:d1 ${event.ok}`));

    const result = await server.publishStarted({ deployId: 'd1', service: 'api' });
    await server.publishFinished({ deployId: 'd1', ok: true, at: 5 });

    expect(result).toMatchObject({ sequenceNumber: 1, offset: 1 });
    expect(seen).toEqual([
      'started api deploy.d1.started',
      'started:d1 d1',
      'finished true 1',
      'finished:d1 true',
    ]);
  });

  it('fills in `at` and checks ids and payloads before sending, naming the field', async () => {
    const { hub, server, deploys } = setup();
    await deploys.subscribeAll();
    const started = new Promise((resolve) => deploys.once('started', resolve));
    const before = Date.now();
    await server.publishStarted({ deployId: 'd1', service: 'api' });
    expect(((await started) as { at: number }).at).toBeGreaterThanOrEqual(before);

    await expect(server.publishStarted({ deployId: 'd.1', service: 'api' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      message: 'Invalid deployId "d.1": must be a single topic segment (no ".")',
      details: { field: 'deployId' },
    });
    await expect(server.publishStarted({ deployId: 'd1', service: '' })).rejects.toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'service' },
    });
    await expect(deploys.subscribeToDeploy('*')).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
      details: { field: 'deployId' },
    });
    expect(hub.retained(['#'])).toHaveLength(1);
  });

  it('drops invalid events on receive and emits error naming the field and topic', async () => {
    const { hub, deploys } = setup();
    await deploys.subscribeToDeploy('d1');
    const finished: boolean[] = [];
    deploys.on('deploy-finished', (event) => finished.push(event.ok));

    const invalid = nextError(deploys);
    await hub.publish('deploy.d1.finished', { deployId: 'd1', ok: 'yes', at: 1 });
    expect(await invalid).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      message: expect.stringContaining('Invalid deploy finished event on "deploy.d1.finished"'),
      details: { field: 'ok', topic: 'deploy.d1.finished' },
    });
    const mismatched = nextError(deploys);
    await hub.publish('deploy.d1.finished', { deployId: 'd2', ok: true, at: 1 });
    expect(await mismatched).toMatchObject({
      code: ErrorCode.INVALID_MESSAGE,
      details: { field: 'deployId', topic: 'deploy.d1.finished' },
    });

    await hub.publish('deploy.d1.finished', { deployId: 'd1', ok: false, at: 1 });
    expect(finished).toEqual([false]);
  });

  it('replays retained values once, and close() leaves the hub client as it found it', async () => {
    const { server, client, deploys } = setup();
    await server.publishStarted({ deployId: 'd1', service: 'api' });
    await server.publishFinished({ deployId: 'd2', ok: false });
    const seen: string[] = [];
    deploys.on('started', (e, meta) => seen.push(`${e.deployId}:started:${meta.replay}`));
    deploys.on('deploy-finished', (e, meta) => seen.push(`${e.deployId}:finished:${meta.replay}`));

    await deploys.subscribeAll({ since: 'last' });
    await deploys.subscribeToDeploy('d1', { kinds: ['started'], since: 'last' });
    expect(seen).toEqual(['d1:started:true', 'd2:finished:true']);
    expect(client.listenerCount()).toBe(1);
    expect([...client.subscriptions]).toEqual([
      'deploy.*.started',
      'deploy.*.finished',
      'deploy.d1.started',
    ]);

    await deploys.unsubscribeAll();
    expect([...client.subscriptions]).toEqual(['deploy.d1.started']);
    await deploys.close();
    expect(client.listenerCount()).toBe(0);
    expect(client.subscriptions.size).toBe(0);
  });

  it('waits for the newest event of a topic, also one published before the call', async () => {
    const { server, client, deploys } = setup();
    await server.publishFinished({ deployId: 'd1', ok: true, at: 3 });
    expect(await deploys.waitForFinished('d1', 5_000)).toEqual({ deployId: 'd1', ok: true, at: 3 });
    const live = deploys.waitForFinished('d2');
    await server.publishFinished({ deployId: 'd2', ok: false, at: 4 });
    expect(await live).toEqual({ deployId: 'd2', ok: false, at: 4 });
    expect(client.listenerCount()).toBe(0);
    expect(client.subscriptions.size).toBe(0);
    await expect(deploys.waitForFinished('d 3')).rejects.toMatchObject({
      code: ErrorCode.INVALID_TOPIC,
    });
    await expect(deploys.waitForFinished('d3', 0)).rejects.toThrow(
      new TypeError(
        'waitForFinished option "timeoutMs" must be a number from 1 to 2147483647, got 0',
      ),
    );
  });

  it('refuses unknown kinds and bad or unknown options with a TypeError naming them', async () => {
    const { client, deploys } = setup();
    await expect(deploys.subscribeAll({ kinds: ['crashed' as 'started'] })).rejects.toThrow(
      new TypeError('Unknown deploy event kind "crashed"; expected started, finished'),
    );
    expect(() => new DeployChannelClient(client, { maxTrackedTopics: 0 })).toThrow(
      new TypeError('DeployChannelClient option "maxTrackedTopics" must be an integer >= 1, got 0'),
    );
    expect(() => new DeployChannelClient(client, { maxTracked: 5 } as never)).toThrow(
      new TypeError(
        'DeployChannelClient: unknown option "maxTracked"; supported: maxTrackedTopics',
      ),
    );
  });

  it('types every event with its payload and EventMeta', () => {
    const { deploys } = setup();
    type Started = { deployId: string; service: string; at: number };
    type Finished = { deployId: string; ok: boolean; at: number };
    deploys.on('started', (event, meta) => {
      expectTypeOf(event).toEqualTypeOf<Started>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    deploys.on('deploy-finished:d1', (event, meta) => {
      expectTypeOf(event).toEqualTypeOf<Finished>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    deploys.on('error', (error) => expectTypeOf(error).toEqualTypeOf<SwitchboardError>());
    expectTypeOf(deploys.on('started', () => {})).toEqualTypeOf<DeployChannelClient>();
    expectTypeOf(deploys.listen('started:d1', () => {})).toEqualTypeOf<() => void>();
    expectTypeOf(deploys.waitForFinished).returns.toEqualTypeOf<Promise<Finished>>();
    // @ts-expect-error `finished` is emitted as `deploy-finished`
    deploys.on('finished', () => {});
    // @ts-expect-error a started event has no `ok`
    deploys.on('started', (event: Finished) => event.ok);
    // Three listeners registered: the two above and the first one.
    expect(deploys.listenerCount('started')).toBe(3);
  });
});
