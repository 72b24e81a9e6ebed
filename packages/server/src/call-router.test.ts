import { ErrorCode, type ServerFrame } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { jwtAuthenticator } from './jwt-authenticator.ts';
import type { Principal } from './principal.ts';
import { range, useHubFixture } from './test-support/fixture.ts';
import { SECRET, signToken } from './test-support/jwt.ts';
import type { RawPeer } from './test-support/raw-peer.ts';

/** The hub's side of client-hosted handlers, frame by frame, with raw peers on both ends. */

const { hub, welcomed } = useHubFixture();

type Invoke = Extract<ServerFrame, { type: 'invoke' }>;

async function serve(peer: RawPeer, method: string, group?: string): Promise<void> {
  const id = `h-${method}`;
  peer.send({ type: 'handle', id, method, ...(group ? { group } : {}) });
  expect(await peer.reply(id)).toEqual({ type: 'ack', id, ok: true });
}

describe('the hub between a caller and a handler', () => {
  it('relays a request as invoke with its own call id, and the reply as the response', async () => {
    const { url } = await hub({}, { maxCallTimeoutMs: 10_000 });
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.exec');
    caller.send({
      type: 'request',
      id: 'r1',
      method: 'agent.7.exec',
      data: 'ls',
      timeoutMs: 60_000,
    });
    const invoke = await agent.next('invoke');
    // The caller's timeout travels, capped by the hub; no credit: one reply is expected.
    expect(invoke).toMatchObject({ method: 'agent.7.exec', data: 'ls', timeoutMs: 10_000 });
    expect(invoke).not.toHaveProperty('credit');
    expect(invoke.call).not.toBe('r1');
    agent.send({ type: 'reply', call: invoke.call, data: { exit: 0 } });
    expect(await caller.reply('r1')).toEqual({ type: 'response', id: 'r1', data: { exit: 0 } });
    // A second answer to a finished call, or an answer from another connection, goes nowhere.
    agent.send({ type: 'reply', call: invoke.call, data: 'again' });
    caller.send({ type: 'request', id: 'r2', method: 'agent.7.exec', data: 'pwd' });
    const second = await agent.next('invoke');
    expect(second.timeoutMs).toBe(10_000);
    caller.send({ type: 'reply', call: second.call, data: 'forged' });
    agent.send({ type: 'reply', call: second.call, data: '/home' });
    expect(await caller.reply('r2')).toEqual({ type: 'response', id: 'r2', data: '/home' });
    expect(caller.frames.filter((frame) => frame.type === 'response')).toEqual([]);
  });

  it('refuses a chunk beyond the credit: the caller gets INTERNAL_ERROR, the handler a cancel', async () => {
    const { url, router } = await hub();
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.logs');
    caller.send({ type: 'request', id: 's', method: 'agent.7.logs', data: null, credit: 2 });
    const { call, credit } = await agent.next('invoke');
    expect(credit).toBe(2);
    for (const n of range(3)) agent.send({ type: 'chunk', call, data: n });
    expect(await caller.next('chunk')).toEqual({ type: 'chunk', id: 's', data: 0 });
    expect(await caller.next('chunk')).toEqual({ type: 'chunk', id: 's', data: 1 });
    expect(await caller.reply('s')).toMatchObject({
      type: 'error',
      code: ErrorCode.INTERNAL_ERROR,
      message: expect.stringMatching(/beyond the credit/),
    });
    expect(await agent.next('cancel')).toMatchObject({ call, code: ErrorCode.INVALID_MESSAGE });
    expect(router.callStats()).toMatchObject({ calls: 0, peakOutstandingChunks: 2 });
  });

  it('passes on only the credit that keeps the window, however much a caller grants', async () => {
    const { url, router } = await hub({}, { maxStreamCredit: 4 });
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.logs');
    caller.send({ type: 'request', id: 's', method: 'agent.7.logs', data: null, credit: 1_000 });
    const { call, credit } = await agent.next('invoke');
    expect(credit).toBe(4);
    // Before any chunk the window is open as far as it goes: nothing to pass on.
    caller.send({ type: 'credit', id: 's', credit: 500 });
    for (const n of range(4)) agent.send({ type: 'chunk', call, data: n });
    for (const n of range(4)) expect((await caller.next('chunk')).data).toBe(n);
    expect(router.callStats().outstandingChunks).toBe(4);
    caller.send({ type: 'credit', id: 's', credit: 1_000 });
    expect(await agent.next('credit')).toEqual({ type: 'credit', call, credit: 4 });
    expect(agent.frames.filter((frame) => frame.type === 'credit')).toEqual([]);
    agent.send({ type: 'end', call });
    expect(await caller.next('end')).toEqual({ type: 'end', id: 's' });
    expect(router.callStats()).toMatchObject({ calls: 0, peakOutstandingChunks: 4 });
  });

  it('does not let a handler stream to a caller that takes one reply', async () => {
    const { url } = await hub();
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.exec');
    caller.send({ type: 'request', id: 'r', method: 'agent.7.exec', data: null });
    const { call } = await agent.next('invoke');
    agent.send({ type: 'chunk', call, data: 'line' });
    expect(await caller.reply('r')).toMatchObject({ code: ErrorCode.INTERNAL_ERROR });
    expect(await agent.next('cancel')).toMatchObject({ call, code: ErrorCode.INVALID_MESSAGE });
  });

  it("relays a handler's fail as the caller's error, and a caller's cancel to the handler", async () => {
    const { url } = await hub();
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.exec');
    caller.send({ type: 'request', id: 'a', method: 'agent.7.exec', data: 'rm' });
    const first = await agent.next('invoke');
    agent.send({
      type: 'fail',
      call: first.call,
      code: 'FORBIDDEN',
      message: 'no',
      details: { x: 1 },
    });
    expect(await caller.reply('a')).toEqual({
      type: 'error',
      id: 'a',
      code: 'FORBIDDEN',
      message: 'no',
      details: { x: 1 },
    });
    caller.send({ type: 'request', id: 'b', method: 'agent.7.exec', data: 'top' });
    const second = await agent.next('invoke');
    caller.send({ type: 'cancel', id: 'b' });
    expect(await agent.next('cancel')).toEqual({
      type: 'cancel',
      call: second.call,
      code: ErrorCode.CANCELLED,
      message: 'The caller cancelled the call',
    });
    // The cancel is not answered, and a late reply goes nowhere.
    agent.send({ type: 'reply', call: second.call, data: 'late' });
    caller.send({ type: 'ping', id: 'p' });
    await caller.next('pong');
    expect(caller.frames).toEqual([]);
  });

  it('bounds calls in flight per caller and per handler, and methods per handler', async () => {
    const { url } = await hub(
      {},
      { maxCallsPerClient: 2, maxCallsPerHandler: 1, maxHandlersPerClient: 2 },
    );
    const agents = [await welcomed(url), await welcomed(url)];
    for (const agent of agents) await serve(agent, 'agent.any.exec');
    await serve(agents[0]!, 'agent.0.exec');
    agents[0]!.send({ type: 'handle', id: 'third', method: 'agent.0.logs' });
    expect(await agents[0]!.reply('third')).toMatchObject({
      code: ErrorCode.TOO_MANY_HANDLERS,
      details: { maxHandlersPerClient: 2 },
    });
    const caller = await welcomed(url);
    const other = await welcomed(url);
    caller.send({ type: 'request', id: 'r1', method: 'agent.any.exec', data: 1 });
    caller.send({ type: 'request', id: 'r1', method: 'agent.any.exec', data: 1 });
    expect(await caller.reply('r1')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    caller.send({ type: 'request', id: 'r2', method: 'agent.any.exec', data: 2 });
    caller.send({ type: 'request', id: 'r3', method: 'agent.any.exec', data: 3 });
    expect(await caller.reply('r3')).toMatchObject({
      code: ErrorCode.TOO_MANY_CALLS,
      details: { maxCallsPerClient: 2 },
    });
    // Each handler has its one call: the group is busy for everyone.
    other.send({ type: 'request', id: 'o1', method: 'agent.any.exec', data: 4 });
    expect(await other.reply('o1')).toMatchObject({
      code: ErrorCode.TOO_MANY_CALLS,
      details: { method: 'agent.any.exec', maxCallsPerHandler: 1 },
    });
    const invokes = [await agents[0]!.next('invoke'), await agents[1]!.next('invoke')];
    expect(invokes.map((invoke) => invoke.data).sort()).toEqual([1, 2]);
    for (const [at, invoke] of invokes.entries()) {
      agents[at]!.send({ type: 'reply', call: (invoke as Invoke).call, data: 'done' });
    }
    expect(await caller.reply('r1')).toMatchObject({ type: 'response' });
    expect(await caller.reply('r2')).toMatchObject({ type: 'response' });
    other.send({ type: 'request', id: 'o2', method: 'agent.any.exec', data: 5 });
    const next = await Promise.race(agents.map((agent) => agent.next('invoke')));
    expect(next.data).toBe(5);
  });

  it('refuses a handle of an invalid or reserved method, naming the field', async () => {
    const { url } = await hub();
    const agent = await welcomed(url);
    for (const method of ['agent.*.exec', '$history', 'a..b']) {
      agent.send({ type: 'handle', id: 'h', method });
      expect(await agent.reply('h')).toMatchObject({
        code: ErrorCode.INVALID_MESSAGE,
        details: { field: 'method' },
      });
    }
  });

  it('fails the calls of a handler that leaves with HANDLER_GONE, and forgets its methods', async () => {
    const { url, router } = await hub();
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.exec');
    caller.send({ type: 'request', id: 'r', method: 'agent.7.exec', data: null, credit: 4 });
    await agent.next('invoke');
    await agent.close();
    expect(await caller.reply('r')).toMatchObject({ code: ErrorCode.HANDLER_GONE });
    expect(router.callStats()).toMatchObject({ handlers: 0, methods: 0, calls: 0 });
  });

  it('skips the rate limits for the frames of a call under way', async () => {
    const { url } = await hub({ rateLimit: { messages: { maxMessages: 3, windowMs: 60_000 } } });
    const agent = await welcomed(url);
    const caller = await welcomed(url);
    await serve(agent, 'agent.7.logs');
    caller.send({ type: 'request', id: 's', method: 'agent.7.logs', data: null, credit: 20 });
    const { call } = await agent.next('invoke');
    for (const n of range(20)) agent.send({ type: 'chunk', call, data: n });
    agent.send({ type: 'end', call });
    await caller.next('end');
    expect(caller.frames.filter((frame) => frame.type === 'chunk')).toHaveLength(20);
    expect(agent.frames.filter((frame) => frame.type === 'error')).toEqual([]);
  });
});

describe('who may serve and who may call', () => {
  const principals: Record<string, Principal> = {
    agent: { id: 'agent-7', serve: ['agent.7.#'] },
    narrowed: { id: 'agent-7', serve: [] },
    stranger: { id: 'agent-8', serve: ['agent.8.#'] },
    dashboard: { id: 'dashboard', request: ['agent.*.exec'] },
  };
  const authenticate = (token: string) => principals[token] ?? false;

  it('lets a principal serve only what its serve patterns allow (FORBIDDEN otherwise)', async () => {
    const { url } = await hub({ authenticate });
    const stranger = await welcomed(url, 'stranger');
    stranger.send({ type: 'handle', id: 'h', method: 'agent.7.exec' });
    expect(await stranger.reply('h')).toEqual({
      type: 'error',
      id: 'h',
      code: ErrorCode.FORBIDDEN,
      message: 'Not allowed to serve "agent.7.exec"',
      details: { method: 'agent.7.exec' },
    });
    const agent = await welcomed(url, 'agent');
    await serve(agent, 'agent.7.exec');
  });

  it('checks calls against the request patterns, as for hub routes', async () => {
    const { url } = await hub({ authenticate });
    const agent = await welcomed(url, 'agent');
    await serve(agent, 'agent.7.exec');
    await serve(agent, 'agent.7.logs');
    const dashboard = await welcomed(url, 'dashboard');
    dashboard.send({ type: 'request', id: 'no', method: 'agent.7.logs', data: null });
    expect(await dashboard.reply('no')).toMatchObject({
      code: ErrorCode.FORBIDDEN,
      details: { method: 'agent.7.logs' },
    });
    dashboard.send({ type: 'request', id: 'yes', method: 'agent.7.exec', data: null });
    const invoke = await agent.next('invoke');
    expect(invoke.caller).toBe('dashboard');
    expect(agent.frames.filter((frame) => frame.type === 'invoke')).toEqual([]);
  });

  it('stops calls to a handler whose refreshed credential no longer allows the method', async () => {
    const { url } = await hub({ authenticate });
    const agent = await welcomed(url, 'agent');
    await serve(agent, 'agent.7.exec');
    agent.send({ type: 'auth', id: 'refresh', token: 'narrowed' });
    expect(await agent.reply('refresh')).toMatchObject({ type: 'ack' });
    const dashboard = await welcomed(url, 'dashboard');
    dashboard.send({ type: 'request', id: 'r', method: 'agent.7.exec', data: null });
    expect(await dashboard.reply('r')).toMatchObject({ code: ErrorCode.NO_RESPONDERS });
  });

  it('maps the JWT claim sw.srv to serve (none when the token has no such claim)', async () => {
    const { url } = await hub({ authenticate: jwtAuthenticator({ secret: SECRET }) });
    const agent = await welcomed(url, await signToken({ sub: 'agent-7', 'sw.srv': ['agent.7.#'] }));
    await serve(agent, 'agent.7.exec');
    agent.send({ type: 'handle', id: 'other', method: 'agent.8.exec' });
    expect(await agent.reply('other')).toMatchObject({ code: ErrorCode.FORBIDDEN });
    const plain = await welcomed(url, await signToken({ sub: 'agent-9' }));
    plain.send({ type: 'handle', id: 'h', method: 'agent.9.exec' });
    expect(await plain.reply('h')).toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});
