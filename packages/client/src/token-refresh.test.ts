import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { describe, expect, it, vi } from 'vitest';
import { harness, next, record } from './testing/harness.ts';

const h = harness();

describe('in-band token refresh', () => {
  it('answers refresh-required with a fresh token in an auth frame, on the same connection', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1', t2: 'agent-1' }, refreshExpiresAt: 42_000 });
    const tokens = ['t1', 't2'];
    const token = vi.fn(() => tokens.shift()!);
    const client = h.client(hub, { token });
    await client.connect();
    await client.subscribe('task.#');
    const refreshed = next(client, 'token-refreshed');
    hub.broadcast({ type: 'refresh-required', expiresAt: Date.now() + 1_000 });
    expect(await refreshed).toEqual({ expiresAt: 42_000 });
    expect(token).toHaveBeenCalledTimes(2);
    expect(hub.connections).toHaveLength(1);
    expect(hub.framesOf(0).filter((f) => f.type === 'auth')).toMatchObject([{ token: 't2' }]);
    // Still usable, subscriptions as they were.
    expect(client.subscriptions).toEqual(new Set(['task.#']));
    expect((await client.publish('task.1', 'x')).offset).toBe(1);
  });

  it('reports a refused refresh and keeps the connection', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1', other: 'agent-2' } });
    const tokens = ['t1', 'other'];
    const client = h.client(hub, { token: () => tokens.shift()! });
    const errors = record(client, 'error');
    await client.connect();
    const failed = next(client, 'token-refresh-failed');
    hub.broadcast({ type: 'refresh-required', expiresAt: 7_000 });
    const { error, expiresAt } = await failed;
    expect(error.code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    expect(expiresAt).toBe(7_000);
    expect(errors).toContain(error);
    expect(client.isConnected).toBe(true);
    expect((await client.publish('a', 1)).offset).toBe(1);
  });

  it('cannot refresh a fixed string token, says so, and sends nothing', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1' } });
    const client = h.client(hub, { token: 't1' });
    await client.connect();
    const failed = next(client, 'token-refresh-failed');
    hub.broadcast({ type: 'refresh-required', expiresAt: 7_000 });
    expect((await failed).error.message).toMatch(/not a function/);
    expect(hub.framesOf(0).some((f) => f.type === 'auth')).toBe(false);
  });

  it('reports a token function that throws', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1' } });
    let calls = 0;
    const client = h.client(hub, {
      token: () => {
        calls += 1;
        if (calls > 1) throw new Error('token service down');
        return 't1';
      },
    });
    await client.connect();
    const failed = next(client, 'token-refresh-failed');
    hub.broadcast({ type: 'refresh-required', expiresAt: 7_000 });
    expect((await failed).error.message).toMatch(/token service down/);
  });
});

describe('subscriptions the hub ends', () => {
  it('forgets them, emits unsubscribed and leaves them out of the resubscribe', async () => {
    const hub = await h.hub();
    const client = h.client(hub);
    await client.connect();
    await client.subscribe(['task.#', 'agent.#']);
    const ended = next(client, 'unsubscribed');
    hub.broadcast({
      type: 'unsubscribed',
      topics: ['agent.#'],
      code: 'FORBIDDEN',
      reason: 'narrowed',
    });
    expect(await ended).toEqual({ topics: ['agent.#'], code: 'FORBIDDEN', reason: 'narrowed' });
    expect(client.subscriptions).toEqual(new Set(['task.#']));
    const reconnected = next(client, 'subscribed');
    hub.dropAll();
    await reconnected;
    const resubscribe = hub.framesOf(1).filter((f) => f.type === 'subscribe');
    expect(resubscribe.flatMap((f) => (f.type === 'subscribe' ? f.topics : []))).toEqual([
      'task.#',
    ]);
  });

  it('rejects a subscribe still waiting on an ended pattern with its code', async () => {
    // The hub never answers the subscribe; it ends the pattern instead.
    const hub = await h.hub({ silent: () => true });
    const client = h.client(hub);
    await client.connect();
    const subscribing = client.subscribe('agent.#');
    await vi.waitFor(() => expect(hub.framesOf(0).some((f) => f.type === 'subscribe')).toBe(true));
    hub.broadcast({ type: 'unsubscribed', topics: ['agent.#'], code: 'FORBIDDEN', reason: 'no' });
    await expect(subscribing).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(client.subscriptions.size).toBe(0);
  });
});

describe('closes for expiry and revocation', () => {
  it('reconnects after 4008 with a fresh token from the token function', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1', t2: 'agent-1' } });
    const tokens = ['t1', 't2'];
    const client = h.client(hub, { token: () => tokens.shift() ?? 'none' });
    await client.connect();
    const disconnected = next(client, 'disconnected');
    const reconnected = next(client, 'connected');
    hub.connections[0]!.socket.close(CloseCode.TOKEN_EXPIRED, 'Token expired');
    expect(await disconnected).toMatchObject({ code: 4008, willReconnect: true });
    await reconnected;
    expect(hub.framesOf(1)[0]).toMatchObject({ type: 'hello', token: 't2' });
  });

  it('does not reconnect after 4008 with a fixed string token: it expired for good', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1' } });
    const client = h.client(hub, { token: 't1' });
    await client.connect();
    const disconnected = next(client, 'disconnected');
    hub.connections[0]!.socket.close(CloseCode.TOKEN_EXPIRED, 'Token expired');
    expect(await disconnected).toMatchObject({ code: 4008, willReconnect: false });
    expect(client.state).toBe('closed');
  });

  it('does not reconnect after 4009 REVOKED, even with a token function', async () => {
    const hub = await h.hub({ tokens: { t1: 'agent-1' } });
    const client = h.client(hub, { token: () => 't1' });
    await client.connect();
    const disconnected = next(client, 'disconnected');
    hub.connections[0]!.socket.close(CloseCode.REVOKED, 'Credentials revoked');
    expect(await disconnected).toMatchObject({ code: 4009, willReconnect: false });
    expect(client.state).toBe('closed');
    expect(hub.connections).toHaveLength(1);
  });
});
