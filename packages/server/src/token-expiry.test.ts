import { CloseCode, ErrorCode } from '@switchboard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerConnection } from './server-connection.ts';
import { useHubFixture } from './test-support/fixture.ts';
import { refreshLeadMs, TokenExpiry } from './token-expiry.ts';

const { hub, peer } = useHubFixture();

describe('a principal whose credential expires', () => {
  // Issue item 8: on 1aa2d06 such a principal kept publishing after its token expired.
  it('is asked to refresh before expiresAt, then closed with 4008 and stops publishing', async () => {
    const lifetimeMs = 1_000;
    let expiresAt = 0;
    const { url, server } = await hub({
      authenticate: () => {
        expiresAt = Date.now() + lifetimeMs;
        return { id: 'agent-1', expiresAt };
      },
    });
    const closes: number[] = [];
    server.on('disconnection', (_client, code) => closes.push(code));
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'short-lived' });
    expect((await p.next('welcome')).expiresAt).toBe(expiresAt);
    p.send({ type: 'publish', id: 'm1', topic: 'agent.1.status', data: 'before' });
    expect(await p.reply('m1')).toMatchObject({ type: 'ack' });

    const notice = await p.next('refresh-required');
    expect(notice.expiresAt).toBe(expiresAt);
    // Asked ahead of time (10% of the lifetime), not at the last moment.
    expect(Date.now()).toBeLessThan(expiresAt);

    const announced = await p.next('disconnect');
    expect(announced).toMatchObject({ code: CloseCode.TOKEN_EXPIRED, reconnect: true });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect((await p.closed).code).toBe(CloseCode.TOKEN_EXPIRED);
    await vi.waitFor(() => expect(closes).toEqual([CloseCode.TOKEN_EXPIRED]));
    expect(server.getConnectedClients()).toEqual([]);
  });

  it('is refused at authentication when it has already expired', async () => {
    const { url } = await hub({
      authenticate: () => ({ id: 'agent-1', expiresAt: Date.now() - 1 }),
    });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'stale' });
    const error = await p.next('error');
    expect(error).toMatchObject({ code: ErrorCode.AUTHENTICATION_FAILED });
    expect(error.message).toMatch(/expired/);
    expect((await p.closed).code).toBe(CloseCode.AUTHENTICATION_FAILED);
  });

  it('is refused when authenticate gives an expiresAt that is not a time, as the hub’s bug', async () => {
    const { url, server } = await hub({
      authenticate: () => ({ id: 'agent-1', expiresAt: '2030-01-01' as unknown as number }),
    });
    const errors: Error[] = [];
    server.on('error', (error) => errors.push(error));
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'x' });
    expect((await p.next('error')).message).toBe('Authentication failed');
    expect(errors.map((e) => e.message)).toEqual([
      'authenticate() returned a principal whose "expiresAt" is not a time in ms since 1970',
    ]);
  });

  it('gets no expiry clock when its principal has no expiresAt', async () => {
    const { url } = await hub({ authenticate: () => ({ id: 'agent-1' }) });
    const p = await peer(url);
    p.send({ type: 'hello', versions: [1], token: 'x' });
    expect((await p.next('welcome')).expiresAt).toBeUndefined();
  });
});

describe('refreshLeadMs', () => {
  it('is 10% of the lifetime, at most 60 s', () => {
    expect(refreshLeadMs(30_000)).toBe(3_000);
    expect(refreshLeadMs(600_000)).toBe(60_000);
    expect(refreshLeadMs(3_600_000)).toBe(60_000);
    expect(refreshLeadMs(-5)).toBe(0);
  });
});

describe('TokenExpiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A TokenExpiry that writes down what it was asked to do. */
  function recordingExpiry() {
    const calls: string[] = [];
    const expiry = new TokenExpiry({
      refreshRequired: () => calls.push('refresh-required'),
      expired: () => calls.push('expired'),
    });
    return { calls, expiry };
  }

  function connectionExpiringIn(ms: number): ServerConnection {
    return {
      state: 'open',
      principal: { id: 'a', expiresAt: Date.now() + ms },
    } as unknown as ServerConnection;
  }

  it('holds one timer per connection: the notice first, then the close', () => {
    vi.useFakeTimers();
    const { calls, expiry } = recordingExpiry();
    const connection = connectionExpiringIn(10_000);
    expiry.track(connection);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(8_999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['refresh-required']);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(calls).toEqual(['refresh-required', 'expired']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('replaces the clock on track() and clears it on end()', () => {
    vi.useFakeTimers();
    const { calls, expiry } = recordingExpiry();
    const connection = connectionExpiringIn(1_000);
    expiry.track(connection);
    // A refresh: the new principal expires later, and the old clock is gone.
    (connection as { principal: unknown }).principal = { id: 'a', expiresAt: Date.now() + 60_000 };
    expiry.track(connection);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(2_000);
    expect(calls).toEqual([]);
    expiry.end(connection);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect(calls).toEqual([]);
  });

  it('waits in steps a timer can take for credentials valid longer than 24.8 days', () => {
    vi.useFakeTimers();
    const { calls, expiry } = recordingExpiry();
    const days = 40;
    expiry.track(connectionExpiringIn(days * 86_400_000));
    vi.advanceTimersByTime((days - 1) * 86_400_000);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(86_400_000);
    expect(calls).toEqual(['refresh-required', 'expired']);
  });
});
