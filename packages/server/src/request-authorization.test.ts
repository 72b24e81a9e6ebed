import { ErrorCode, HISTORY_METHOD } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.ts';
import { useHubFixture } from './test-support/fixture.ts';
import type { RawPeer } from './test-support/raw-peer.ts';

const { hub, welcomed } = useHubFixture();

const principals: Record<string, Principal> = {
  coordinator: { id: 'coordinator' },
  agent: { id: 'agent-7', request: ['tasks.*', 'agent.7.#'] },
  reader: { id: 'reader', request: [], subscribe: ['job.#'] },
};
const authenticate = (token: string) => principals[token] ?? false;

async function routedHub() {
  const started = await hub({ authenticate });
  const calls: string[] = [];
  started.router.route({
    topic: '#',
    handler: (_data, context) => {
      calls.push(`${context.principal?.id}:${context.method}`);
      return 'done';
    },
  });
  return { ...started, calls };
}

/** Calls `method` with the method as request id; resolves to the answer. */
function call(peer: RawPeer, method: string) {
  peer.send({ type: 'request', id: method, method, data: null });
  return peer.reply(method);
}

describe("requests are checked against the principal's request patterns", () => {
  it('answers a method the patterns allow', async () => {
    const { url, calls } = await routedHub();
    const agent = await welcomed(url, 'agent');
    for (const method of ['tasks.count', 'agent.7.exec', 'agent.7']) {
      expect(await call(agent, method)).toEqual({ type: 'response', id: method, data: 'done' });
    }
    expect(calls).toEqual(['agent-7:tasks.count', 'agent-7:agent.7.exec', 'agent-7:agent.7']);
  });

  it('refuses any other method with FORBIDDEN and details.method; the handler never runs', async () => {
    const { url, calls } = await routedHub();
    const agent = await welcomed(url, 'agent');
    for (const method of ['admin.reset', 'tasks.count.all', 'agent.8.exec']) {
      expect(await call(agent, method)).toEqual({
        type: 'error',
        id: method,
        code: ErrorCode.FORBIDDEN,
        message: `Not allowed to call "${method}"`,
        details: { method },
      });
    }
    expect(calls).toEqual([]);
  });

  it('leaves a principal without a request list unrestricted', async () => {
    const { url, calls } = await routedHub();
    const coordinator = await welcomed(url, 'coordinator');
    coordinator.send({ type: 'request', id: 'r', method: 'admin.reset', data: null });
    expect(await coordinator.reply('r')).toMatchObject({ type: 'response', data: 'done' });
    expect(calls).toEqual(['coordinator:admin.reset']);
  });

  it("leaves $history to the connection's own subscriptions, even with an empty request list", async () => {
    const { url, router } = await routedHub();
    const reader = await welcomed(url, 'reader');
    reader.send({ type: 'subscribe', id: 's', topics: ['job.#'] });
    await reader.reply('s');
    await router.publish('job.1', 'mine');
    await router.publish('secret.1', 'not mine');
    reader.send({ type: 'request', id: 'other', method: 'tasks.count', data: null });
    expect(await reader.reply('other')).toMatchObject({ code: ErrorCode.FORBIDDEN });
    reader.send({
      type: 'request',
      id: 'h',
      method: HISTORY_METHOD,
      data: { epoch: router.epoch, after: 0, until: 1_000 },
    });
    const history = await reader.reply('h');
    expect(history).toMatchObject({ type: 'response', data: { complete: true } });
    const events = (history as { data: { events: { topic: string }[] } }).data.events;
    expect(events.map((event) => event.topic)).toEqual(['job.1']);
  });
});
