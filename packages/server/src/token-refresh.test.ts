import { WSClient } from '@switchboard/client';
import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jwtAuthenticator } from './jwt-authenticator.ts';
import type { Authenticate } from './options.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { SECRET, signToken } from './test-support/jwt.ts';
import { cutConnection } from './testing.ts';

const { hub, peer } = useHubFixture();
const clients: WSClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.disconnect()));
});

function client(options: ConstructorParameters<typeof WSClient>[0]): WSClient {
  const created = new WSClient({ reconnectIntervalMs: 10, maxReconnectIntervalMs: 40, ...options });
  clients.push(created);
  return created;
}

/**
 * Tokens `<principal>:<n>`, each valid for `lifetimeMs` from when it is checked. Lifetimes of
 * 1 s give the hub's notice 100 ms of lead (10%), so a busy machine's late timer still finds
 * the credential unexpired.
 */
function expiringTokens(lifetimeMs: number, grants: Record<string, object> = {}): Authenticate {
  return (token) => {
    if (token.startsWith('bad')) return false;
    const [id = ''] = token.split(':');
    return { id, expiresAt: Date.now() + lifetimeMs, ...grants[token] };
  };
}

describe('an auth frame on an open connection', () => {
  // Issue item 8: on 1aa2d06 this was refused with "this connection is already authenticated".
  it('refreshes the credential in place: ack with the new expiresAt, no new welcome', async () => {
    const { url, server } = await hub({ authenticate: expiringTokens(60_000) });
    const refreshed: string[] = [];
    server.on('token-refreshed', (info) => refreshed.push(info.id));
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'agent-1:1' });
    const welcome = await p.next('welcome');
    p.send({ type: 'auth', id: 'a1', token: 'agent-1:2' });
    const ack = await p.reply('a1');
    expect(ack).toMatchObject({ type: 'ack', ok: true });
    expect((ack as { expiresAt: number }).expiresAt).toBeGreaterThanOrEqual(welcome.expiresAt!);
    expect(refreshed).toEqual([welcome.connectionId]);
    expect(p.frames.filter((f) => f.type === 'welcome')).toEqual([]);
    p.send({ type: 'publish', id: 'm1', topic: 'a', data: 1 });
    expect(await p.reply('m1')).toMatchObject({ type: 'ack' });
  });

  it('refuses a token for another principal: a connection cannot become someone else', async () => {
    const { url, server } = await hub({ authenticate: expiringTokens(60_000) });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'agent-1:1' });
    const { connectionId } = await p.next('welcome');
    p.send({ type: 'auth', id: 'a1', token: 'agent-2:1' });
    const refusal = await p.reply('a1');
    expect(refusal).toMatchObject({ type: 'error', code: ErrorCode.AUTHENTICATION_FAILED });
    expect((refusal as { message: string }).message).toMatch(/another principal/);
    expect(server.getClient(connectionId)?.principal?.id).toBe('agent-1');
  });

  it('refuses a bad token with AUTHENTICATION_FAILED and keeps the connection', async () => {
    const { url } = await hub({ authenticate: expiringTokens(60_000) });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'agent-1:1' });
    await p.next('welcome');
    p.send({ type: 'auth', id: 'a1', token: 'bad' });
    expect(await p.reply('a1')).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
    p.send({ type: 'publish', id: 'm1', topic: 'a', data: 1 });
    expect(await p.reply('m1')).toMatchObject({ type: 'ack' });
  });

  it('checks isRevoked on refresh as on connect', async () => {
    const denied = new Set(['agent-1:2']);
    const { url } = await hub({
      authenticate: expiringTokens(60_000),
      isRevoked: (_principal, token) => denied.has(token),
    });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'agent-1:1' });
    await p.next('welcome');
    p.send({ type: 'auth', id: 'a1', token: 'agent-1:2' });
    const refusal = await p.reply('a1');
    expect(refusal).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
    expect((refusal as { message: string }).message).toMatch(/revoked/);
  });

  it('runs one refresh at a time per connection', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const { url } = await hub({
      authenticate: async () => {
        calls += 1;
        if (calls > 1) await gate;
        return { id: 'agent-1' };
      },
    });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 't' });
    await p.next('welcome');
    p.send({ type: 'auth', id: 'a1', token: 't' });
    p.send({ type: 'auth', id: 'a2', token: 't' });
    expect(await p.reply('a2')).toMatchObject({ code: ErrorCode.RATE_LIMITED });
    release();
    expect(await p.reply('a1')).toMatchObject({ type: 'ack' });
  });

  it('is refused on a hub without authenticate', async () => {
    const { url } = await hub();
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1] });
    await p.next('welcome');
    p.send({ type: 'auth', id: 'a1', token: 't' });
    expect(await p.reply('a1')).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
  });
});

describe('WSClient refreshing against the hub', () => {
  it('refreshes before expiry without reconnecting: same connection, subscriptions, queue', async () => {
    const { url, router } = await hub({ authenticate: expiringTokens(1_000) });
    let n = 0;
    const watcher = client({ url, token: () => `agent-1:${++n}` });
    const connected = vi.fn();
    watcher.on('connected', connected);
    const refreshes: (number | undefined)[] = [];
    watcher.on('token-refreshed', ({ expiresAt }) => refreshes.push(expiresAt));
    const disconnected = vi.fn();
    watcher.on('disconnected', disconnected);
    await watcher.connect();
    const connectionId = watcher.connectionId;
    await watcher.subscribe('task.#');

    // Two refreshes in a row: the second comes after the first token's expiry had passed.
    await vi.waitFor(() => expect(refreshes).toHaveLength(2), { timeout: 5_000 });
    expect(refreshes[1]!).toBeGreaterThan(refreshes[0]!);
    expect(watcher.connectionId).toBe(connectionId);
    expect(connected).toHaveBeenCalledTimes(1);
    expect(disconnected).not.toHaveBeenCalled();
    expect(router.getSubscriptions(connectionId!)).toEqual(['task.#']);
    const events: unknown[] = [];
    watcher.on('event', (event) => events.push(event.data));
    expect((await watcher.publish('task.1', 'after')).duplicate).toBe(false);
    await vi.waitFor(() => expect(events).toEqual(['after']));
  });

  it('keeps subscriptions and publishes flowing while a refresh is checked', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const { url } = await hub({
      authenticate: async () => {
        calls += 1;
        if (calls === 2) await gate;
        // The first credential is short, so the hub asks for a refresh 10% before its end.
        return { id: 'agent-1', expiresAt: Date.now() + (calls === 1 ? 2_000 : 60_000) };
      },
    });
    const agent = client({ url, token: () => 'agent-1' });
    await agent.connect();
    await agent.subscribe('a');
    const events: unknown[] = [];
    agent.on('event', (event) => events.push(event.data));
    const refreshed = new Promise((resolve) => agent.once('token-refreshed', resolve));
    await vi.waitFor(() => expect(calls).toBe(2), { timeout: 5_000 });
    // While the hub checks the new token, frames flow under the old principal.
    await expect(agent.publish('a', 1)).resolves.toMatchObject({ duplicate: false });
    await vi.waitFor(() => expect(events).toEqual([1]));
    release();
    await refreshed;
    await expect(agent.publish('a', 2)).resolves.toMatchObject({ duplicate: false });
    await vi.waitFor(() => expect(events).toEqual([1, 2]));
    expect([...agent.subscriptions]).toEqual(['a']);
  });

  it('keeps the old principal after a failed refresh, then reconnects with a fresh token after 4008', async () => {
    // Token 2 is refused; tokens 1 and 3 are good.
    const { url } = await hub({
      authenticate: (token) =>
        token === 'agent-1:2' ? false : { id: 'agent-1', expiresAt: Date.now() + 1_000 },
    });
    let n = 0;
    const agent = client({ url, token: () => `agent-1:${++n}` });
    await agent.connect();
    const first = agent.connectionId;
    const failed = new Promise<{ error: { code: string } }>((resolve) =>
      agent.once('token-refresh-failed', resolve),
    );
    const disconnected = new Promise<{ code: number; willReconnect: boolean }>((resolve) =>
      agent.once('disconnected', resolve),
    );
    const reconnected = new Promise((resolve) => agent.once('connected', resolve));
    expect((await failed).error.code).toBe(ErrorCode.AUTHENTICATION_FAILED);
    // The old principal holds until its expiry (100 ms away: 10% of the lifetime).
    await expect(agent.publish('a', 'still allowed')).resolves.toMatchObject({ duplicate: false });
    expect(agent.connectionId).toBe(first);
    expect(await disconnected).toMatchObject({
      code: CloseCode.TOKEN_EXPIRED,
      willReconnect: true,
    });
    await reconnected;
    expect(agent.connectionId).not.toBe(first);
    expect(n).toBe(3);
  });

  it('is closed with 4008 and stays closed when its token is a fixed string', async () => {
    const { url } = await hub({ authenticate: expiringTokens(1_000) });
    const agent = client({ url, token: 'agent-1:1' });
    await agent.connect();
    const failed = new Promise((resolve) => agent.once('token-refresh-failed', resolve));
    const disconnected = new Promise<{ code: number; willReconnect: boolean }>((resolve) =>
      agent.once('disconnected', resolve),
    );
    await failed;
    expect(await disconnected).toMatchObject({
      code: CloseCode.TOKEN_EXPIRED,
      willReconnect: false,
    });
    expect(agent.state).toBe('closed');
  });

  it('ends subscriptions a narrower refreshed token does not allow, and never resubscribes them', async () => {
    const { url, router, server } = await hub({
      authenticate: expiringTokens(1_000, {
        'agent-1:1': { subscribe: ['task.#', 'agent.#'] },
        'agent-1:2': { subscribe: ['task.#'], expiresAt: Date.now() + 60_000 },
        'agent-1:3': { subscribe: ['task.#'], expiresAt: Date.now() + 60_000 },
      }),
    });
    let n = 0;
    const agent = client({ url, token: () => `agent-1:${++n}` });
    await agent.connect();
    await agent.subscribe(['task.#', 'agent.7.#']);
    const ended = new Promise<{ topics: string[]; code: string }>((resolve) =>
      agent.once('unsubscribed', resolve),
    );
    const refreshed = new Promise((resolve) => agent.once('token-refreshed', resolve));
    expect(await ended).toMatchObject({ topics: ['agent.7.#'], code: ErrorCode.FORBIDDEN });
    await refreshed;
    const connectionId = agent.connectionId!;
    expect(router.getSubscriptions(connectionId)).toEqual(['task.#']);
    expect([...agent.subscriptions]).toEqual(['task.#']);

    // After a network failure the resubscribe leaves the ended pattern out.
    const resubscribed = new Promise((resolve) => agent.once('subscribed', resolve));
    cutConnection(server, connectionId);
    await resubscribed;
    expect(router.getSubscriptions(agent.connectionId!)).toEqual(['task.#']);
  });

  it('refreshes a JWT whose exp is near with a new JWT from the token function', async () => {
    const { url } = await hub({ authenticate: jwtAuthenticator({ secret: SECRET }) });
    // JWT exp has whole seconds: 2 s from now is 1-2 s of lifetime, asked to refresh 10% ahead.
    const token = vi.fn(() => signToken({ sub: 'agent-1', 'sw.pub': ['#'] }, { expiresInSec: 2 }));
    const agent = client({ url, token });
    const welcome = new Promise<{ expiresAt?: number }>((resolve) =>
      agent.once('connected', resolve),
    );
    await agent.connect();
    const connectionId = agent.connectionId;
    const { expiresAt } = await new Promise<{ expiresAt: number | undefined }>((resolve) =>
      agent.once('token-refreshed', resolve),
    );
    expect(expiresAt).toBeGreaterThanOrEqual((await welcome).expiresAt!);
    expect(token).toHaveBeenCalledTimes(2);
    expect(agent.connectionId).toBe(connectionId);
    await expect(agent.publish('agent.1.status', 'ok')).resolves.toMatchObject({
      duplicate: false,
    });
  });
});
