import { type HandlerContext, WSClient } from '@switchboard/client';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { range, useHubFixture } from './test-support/fixture.ts';

/** Client-hosted handlers through the real hub, with the real client on both ends. */

const { hub } = useHubFixture();
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

async function connected(
  url: string,
  options: Partial<ConstructorParameters<typeof WSClient>[0]> = {},
) {
  const client = new WSClient({
    url,
    reconnectIntervalMs: 20,
    maxReconnectIntervalMs: 50,
    ...options,
  });
  clients.push(client);
  await client.connect();
  return client;
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A handler that never answers, and what it saw: when it started, why its signal aborted. */
function hangingHandler() {
  const started = deferred<HandlerContext>();
  const aborted = deferred<unknown>();
  const handler = (_data: unknown, context: HandlerContext) => {
    context.signal.addEventListener('abort', () => aborted.resolve(context.signal.reason));
    started.resolve(context);
    return new Promise(() => {});
  };
  return { handler, started: started.promise, aborted: aborted.promise };
}

describe('client-hosted handlers', () => {
  it('answers a request through the hub, with the caller principal and the method', async () => {
    const { url } = await hub({ authenticate: (token) => ({ id: token }) });
    const agent = await connected(url, { token: 'agent-7' });
    const dashboard = await connected(url, { token: 'dashboard-1' });
    const seen: Partial<HandlerContext>[] = [];
    const handle = agent.handle('agent.7.exec', (data, { method, caller, streaming }) => {
      seen.push({ method, caller, streaming });
      return { ran: data, exit: 0 };
    });
    await handle.ready;
    expect(await dashboard.request('agent.7.exec', 'ls', { timeout: 2_000 })).toEqual({
      ran: 'ls',
      exit: 0,
    });
    expect(seen).toEqual([{ method: 'agent.7.exec', caller: 'dashboard-1', streaming: false }]);
  });

  it('answers NOT_FOUND for a method nobody served, NO_RESPONDERS at once once its handlers left', async () => {
    const { url } = await hub();
    const caller = await connected(url);
    await expect(caller.request('agent.9.exec', null)).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    const agent = await connected(url);
    const handle = agent.handle('agent.9.exec', () => 'ok');
    await handle.ready;
    expect(await caller.request('agent.9.exec', null)).toBe('ok');
    await handle.close();
    // The hub answers at once; the caller's own timeout (30 s by default) never comes into it.
    await expect(caller.request('agent.9.exec', null)).rejects.toMatchObject({
      code: ErrorCode.NO_RESPONDERS,
      details: { method: 'agent.9.exec' },
    });
    const second = agent.handle('agent.9.exec', () => 'back');
    await second.ready;
    await agent.disconnect();
    await expect(caller.request('agent.9.exec', null)).rejects.toMatchObject({
      code: ErrorCode.NO_RESPONDERS,
    });
  });

  it('times the call out for the caller and cancels it at the handler, whose signal says TIMEOUT', async () => {
    const { url } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    const { handler, started, aborted } = hangingHandler();
    await agent.handle('slow.job', handler).ready;
    await expect(caller.request('slow.job', null, { timeout: 150 })).rejects.toMatchObject({
      code: ErrorCode.TIMEOUT,
    });
    expect((await started).timeoutMs).toBeLessThanOrEqual(150);
    expect(await aborted).toMatchObject({ code: ErrorCode.TIMEOUT });
  });

  it('cancels the call at the handler when the caller aborts its signal', async () => {
    const { url, router } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    const { handler, started, aborted } = hangingHandler();
    await agent.handle('agent.7.exec', handler).ready;
    const controller = new AbortController();
    const call = caller.request('agent.7.exec', 'sleep 100', { signal: controller.signal });
    await started;
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    expect(await aborted).toMatchObject({ code: ErrorCode.CANCELLED });
    await vi.waitFor(() => expect(router.callStats().calls).toBe(0));
    // An aborted signal fails at once and sends nothing.
    await expect(
      caller.request('agent.7.exec', 'x', { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: ErrorCode.CANCELLED,
    });
  });

  it("gives the caller the handler's error: its code when it threw a SwitchboardError, INTERNAL_ERROR otherwise", async () => {
    const { url } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    await agent.handle('agent.7.exec', (data) => {
      if (data === 'rm') {
        throw new SwitchboardError(ErrorCode.FORBIDDEN, 'rm is not allowed', {
          details: { command: 'rm' },
        });
      }
      throw new Error('the shell crashed');
    }).ready;
    await expect(caller.request('agent.7.exec', 'rm')).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      message: 'rm is not allowed',
      details: { command: 'rm' },
    });
    await expect(caller.request('agent.7.exec', 'ls')).rejects.toMatchObject({
      code: ErrorCode.INTERNAL_ERROR,
      message: 'the shell crashed',
    });
  });

  it("fails a call whose answer exceeds the hub's maxPayload with PAYLOAD_TOO_LARGE, keeping the handler connected", async () => {
    const { url } = await hub({ maxPayload: 2_048 });
    const agent = await connected(url);
    const caller = await connected(url);
    await agent.handle('agent.7.dump', (data) => 'x'.repeat(data as number)).ready;
    await expect(caller.request('agent.7.dump', 10_000)).rejects.toMatchObject({
      code: ErrorCode.PAYLOAD_TOO_LARGE,
    });
    expect(await caller.request('agent.7.dump', 10)).toBe('x'.repeat(10));
    expect(agent.isConnected).toBe(true);
  });

  it('fails the call with HANDLER_GONE when the handler disconnects mid-call', async () => {
    const { url } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    const { handler, started } = hangingHandler();
    await agent.handle('agent.7.exec', handler).ready;
    const call = caller.request('agent.7.exec', 'build', { timeout: 10_000 });
    await started;
    await agent.disconnect();
    await expect(call).rejects.toMatchObject({
      code: ErrorCode.HANDLER_GONE,
      details: { method: 'agent.7.exec' },
    });
  });

  it('shares 300 requests among a group of three handlers: each served once, all three used', async () => {
    const { url } = await hub({}, { maxCallsPerClient: 300 });
    const served = new Map<number, string[]>();
    const agents = await Promise.all(range(3).map(() => connected(url)));
    await Promise.all(
      agents.map(
        (agent, index) =>
          agent.handle(
            'planner.next',
            async (data) => {
              const n = data as number;
              served.set(n, [...(served.get(n) ?? []), `planner-${index}`]);
              await new Promise((resolve) => setImmediate(resolve));
              return { n, by: index };
            },
            { group: 'planners' },
          ).ready,
      ),
    );
    const caller = await connected(url);
    const answers = await Promise.all(range(300).map((n) => caller.request('planner.next', n)));
    expect(answers.map((answer) => (answer as { n: number }).n)).toEqual(range(300));
    expect([...served.keys()].sort((a, b) => a - b)).toEqual(range(300));
    for (const servers of served.values()) expect(servers).toHaveLength(1);
    const perHandler = range(3).map(
      (index) => answers.filter((answer) => (answer as { by: number }).by === index).length,
    );
    for (const count of perHandler) expect(count).toBeGreaterThan(0);
    expect(perHandler.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('refuses a handler of another group with HANDLER_CONFLICT', async () => {
    const { url } = await hub();
    const first = await connected(url);
    const second = await connected(url);
    await first.handle('planner.next', () => 1, { group: 'planners' }).ready;
    await expect(second.handle('planner.next', () => 2).ready).rejects.toMatchObject({
      code: ErrorCode.HANDLER_CONFLICT,
      details: { method: 'planner.next', group: 'planners' },
    });
    await expect(
      second.handle('planner.next', () => 2, { group: 'other' }).ready,
    ).rejects.toMatchObject({
      code: ErrorCode.HANDLER_CONFLICT,
    });
    await second.handle('planner.next', () => 2, { group: 'planners' }).ready;
  });

  it('streams chunks in order; request() on a streaming handler resolves with the last item', async () => {
    const { url } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    await agent.handle('agent.7.logs', async function* (data) {
      for (let i = 0; i < (data as number); i++) yield `line ${i}`;
    }).ready;
    const lines: unknown[] = [];
    for await (const line of caller.requestStream('agent.7.logs', 100, { credit: 8 })) {
      lines.push(line);
    }
    expect(lines).toEqual(range(100).map((i) => `line ${i}`));
    expect(await caller.request('agent.7.logs', 5)).toBe('line 4');
    // A handler that answers one value is a stream of one item.
    await agent.handle('agent.7.status', () => 'idle').ready;
    const status: unknown[] = [];
    for await (const item of caller.requestStream('agent.7.status', null)) status.push(item);
    expect(status).toEqual(['idle']);
  });

  it('throws a streamed failure after the chunks that came before it', async () => {
    const { url } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    await agent.handle('agent.7.logs', async function* () {
      yield 'one';
      yield 'two';
      throw new SwitchboardError(ErrorCode.FORBIDDEN, 'no more');
    }).ready;
    const lines: unknown[] = [];
    const failure = await (async () => {
      try {
        for await (const line of caller.requestStream('agent.7.logs', null)) lines.push(line);
      } catch (error) {
        return error;
      }
    })();
    expect(lines).toEqual(['one', 'two']);
    expect(failure).toMatchObject({ code: ErrorCode.FORBIDDEN, message: 'no more' });
  });

  it('keeps a fast streaming handler within the credit of a slow caller (hub accounting)', async () => {
    const window = 8;
    const total = 200;
    const { url, router } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    let pulled = 0;
    const closed = deferred();
    await agent.handle('agent.7.terminal', async function* () {
      try {
        for (let i = 0; i < total; i++) {
          pulled += 1;
          yield { seq: i, text: 'x'.repeat(1_000) };
        }
      } finally {
        closed.resolve();
      }
    }).ready;
    const stream = caller.requestStream<{ seq: number }>('agent.7.terminal', null, {
      credit: window,
    });
    let consumed = 0;
    while (consumed < total) {
      // Let the handler run as far ahead as it can: it stops once the window is in flight.
      await vi.waitFor(() => {
        const { outstandingChunks } = router.callStats();
        expect(outstandingChunks === window || pulled === total).toBe(true);
      });
      expect(pulled - consumed).toBeLessThanOrEqual(window);
      expect(router.callStats().outstandingChunks).toBeLessThanOrEqual(window);
      const step = await stream.next();
      expect(step).toMatchObject({ done: false, value: { seq: consumed } });
      consumed += 1;
    }
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await closed.promise;
    // The handler did run ahead (the window filled), and never further.
    expect(router.callStats().peakOutstandingChunks).toBe(window);
    expect(router.callStats()).toMatchObject({ calls: 0, outstandingChunks: 0 });
  });

  it('cancels a stream when the caller breaks out of it, closing the generator', async () => {
    const { url, router } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    const finished = deferred<unknown>();
    await agent.handle('agent.7.terminal', async function* (_data, { signal }) {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finished.resolve(signal.reason);
      }
    }).ready;
    const seen: unknown[] = [];
    for await (const item of caller.requestStream('agent.7.terminal', null, { credit: 4 })) {
      seen.push(item);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(await finished.promise).toMatchObject({ code: ErrorCode.CANCELLED });
    await vi.waitFor(() => expect(router.callStats().calls).toBe(0));
  });

  it("cancels the handler's call when the caller disconnects", async () => {
    const { url, router } = await hub();
    const agent = await connected(url);
    const caller = await connected(url);
    const { handler, started, aborted } = hangingHandler();
    await agent.handle('agent.7.exec', handler).ready;
    const call = caller.request('agent.7.exec', 'top');
    await started;
    const failed = expect(call).rejects.toMatchObject({ code: ErrorCode.CONNECTION_CLOSED });
    await caller.disconnect();
    await failed;
    expect(await aborted).toMatchObject({
      code: ErrorCode.CANCELLED,
      message: 'The caller disconnected',
    });
    expect(router.callStats().calls).toBe(0);
  });

  it('registers its handlers again after a reconnect, as part of the session', async () => {
    const first = await hub();
    const port = first.server.port;
    const agent = await connected(first.url);
    await agent.handle('agent.7.exec', (data) => `ran ${data}`).ready;
    const reconnected = new Promise<void>((resolve) => agent.once('connected', () => resolve()));
    await first.close();
    const second = await hub({ port });
    await reconnected;
    const caller = await connected(second.url);
    await vi.waitFor(() => expect(second.router.callStats().handlers).toBe(1));
    expect(await caller.request('agent.7.exec', 'ls')).toBe('ran ls');
  });

  it('registers a handler made offline on the first welcome, and serves it', async () => {
    const { url } = await hub();
    const agent = new WSClient({ url });
    clients.push(agent);
    const handle = agent.handle('agent.8.exec', () => 'offline-made');
    await agent.connect();
    await handle.ready;
    const caller = await connected(url);
    expect(await caller.request('agent.8.exec', null)).toBe('offline-made');
  });

  it('prefers a hub route over a client handler of the same method', async () => {
    const { url, router } = await hub();
    router.route({ topic: 'agent.#', handler: () => 'hub' });
    const agent = await connected(url);
    await agent.handle('agent.7.exec', () => 'client').ready;
    const caller = await connected(url);
    expect(await caller.request('agent.7.exec', null)).toBe('hub');
  });
});
