import { CloseCode } from '@switchboard/protocol';
import { type DeliveryLoss, type EngineHealthSummary, MemoryEngine } from '@switchboard/router';
import { describe, expect, it } from 'vitest';
import { EPOCH_CHANGED_REASON } from './engine-loss.ts';
import { useHubFixture } from './test-support/fixture.ts';

/** A memory engine that reports the health and losses a cluster engine would. */
class TroubledEngine extends MemoryEngine {
  report: EngineHealthSummary = { ok: true, state: 'live' };
  readonly #listeners = new Set<(loss: DeliveryLoss) => void>();
  health(): EngineHealthSummary {
    return this.report;
  }
  onLoss(listener: (loss: DeliveryLoss) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  lose(loss: DeliveryLoss): void {
    for (const listener of this.#listeners) listener(loss);
  }
}

const { hub, welcomed } = useHubFixture();

async function getHealth(server: { port: number }) {
  const response = await fetch(`http://127.0.0.1:${server.port}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('what the engine reports reaches the hub', () => {
  it('answers /health with 503 and the reason while the engine is not ok', async () => {
    const engine = new TroubledEngine();
    const { server } = await hub({}, { engine });
    expect(await getHealth(server)).toMatchObject({
      status: 200,
      body: { status: 'ok', engine: { ok: true, state: 'live' } },
    });
    engine.report = { ok: false, state: 'stalled' };
    expect(await getHealth(server)).toMatchObject({
      status: 503,
      body: { status: 'unhealthy', reason: 'engine stalled', engine: { state: 'stalled' } },
    });
    engine.report = { ok: true, state: 'live' };
    expect((await getHealth(server)).status).toBe(200);
  });

  it('reports no engine for an engine without health (MemoryEngine)', async () => {
    const { server } = await hub();
    const { status, body } = await getHealth(server);
    expect(status).toBe(200);
    expect(body.engine).toBeUndefined();
  });

  it('tells each subscriber of a gap with a dropped frame, in stream order', async () => {
    const engine = new TroubledEngine();
    const { url, router } = await hub({}, { engine });
    const subscriber = await welcomed(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['job.#'] });
    await subscriber.reply('s');
    const idle = await welcomed(url);
    const order: string[] = [];
    subscriber.socket.on('message', (data) => order.push(JSON.parse(String(data)).type));
    await router.publish('job.1', 1);
    engine.lose({ kind: 'gap', epoch: engine.epoch, from: 2, to: 6 });
    await router.publish('job.2', 2);
    const first = await subscriber.next('event');
    const dropped = await subscriber.next('dropped');
    const second = await subscriber.next('event');
    expect(first).toMatchObject({ offset: 1 });
    expect(dropped).toEqual({
      type: 'dropped',
      epoch: engine.epoch,
      fromOffset: 2,
      toOffset: 6,
      count: 5,
    });
    expect(second).toMatchObject({ offset: 2 });
    // In the order written: after what came before the gap, before what came after.
    expect(order).toEqual(['event', 'dropped', 'event']);
    expect(idle.frames.some((frame) => frame.type === 'dropped')).toBe(false);
  });

  it('disconnects subscribers (reconnect: true, 1001) when the log is lost; others stay', async () => {
    const engine = new TroubledEngine();
    const { url } = await hub({}, { engine });
    const subscriber = await welcomed(url);
    subscriber.send({ type: 'subscribe', id: 's', topics: ['job.#'] });
    await subscriber.reply('s');
    const idle = await welcomed(url);
    engine.lose({ kind: 'epoch-changed', previous: engine.epoch, epoch: 'new-epoch' });
    expect(await subscriber.next('disconnect')).toEqual({
      type: 'disconnect',
      code: CloseCode.GOING_AWAY,
      reason: EPOCH_CHANGED_REASON,
      reconnect: true,
    });
    expect(await subscriber.closed).toMatchObject({ code: CloseCode.GOING_AWAY });
    idle.send({ type: 'publish', id: 'p', topic: 'x', data: 1 });
    expect(await idle.reply('p')).toMatchObject({ type: 'ack' });
  });
});
