import { describe, expect, it } from 'vitest';
import { WSClient } from './index.ts';
import { DEFAULT_CLIENT_OPTIONS, resolveOptions } from './options.ts';

const url = 'ws://localhost:1';

describe('options', () => {
  it('merges the defaults once, ignoring undefined values', () => {
    const resolved = resolveOptions({ url, reconnect: undefined, messageTimeoutMs: 5 });
    expect(resolved).toEqual({ ...DEFAULT_CLIENT_OPTIONS, urls: [url], messageTimeoutMs: 5 });
    expect(DEFAULT_CLIENT_OPTIONS).toMatchObject({
      reconnect: true,
      reconnectIntervalMs: 1000,
      maxReconnectIntervalMs: 30_000,
      reconnectMultiplier: 2,
      maxReconnectAttempts: Number.POSITIVE_INFINITY,
      messageTimeoutMs: 30_000,
      connectTimeoutMs: 10_000,
      offlineQueueSize: 1000,
      tokenTransport: 'hello',
    });
  });

  it.each([
    [{ url: '' }, /"url"/],
    [{ url: 'not a url' }, /"url"/],
    [{ url: 'ftp://x' }, /"url"/],
    [{ url, token: '' }, /"token"/],
    [{ url, tokenTransport: 'query' }, /"tokenTransport".*no "token"/],
    [{ url, token: 't', tokenTransport: 'carrier-pigeon' }, /"tokenTransport"/],
    [{ url, reconnectInterval: 0 }, /"reconnectInterval"/],
    [{ url, reconnectIntervalMs: 0 }, /"reconnectIntervalMs"/],
    [{ url, maxReconnectIntervalMs: 0 }, /"maxReconnectIntervalMs"/],
    [
      { url, reconnectIntervalMs: 5000, maxReconnectIntervalMs: 1000 },
      /"maxReconnectIntervalMs" and "reconnectIntervalMs"/,
    ],
    [
      { url, reconnectInterval: 5000, maxReconnectIntervalMs: 1000 },
      /"maxReconnectIntervalMs" and "reconnectInterval"/,
    ],
    [{ url, reconnectMultiplier: 0.5 }, /"reconnectMultiplier"/],
    [{ url, reconnectMultiplier: Number.POSITIVE_INFINITY }, /"reconnectMultiplier"/],
    [{ url, maxReconnectAttempts: -1 }, /"maxReconnectAttempts"/],
    [{ url, maxReconnectAttempts: 1.5 }, /"maxReconnectAttempts"/],
    [{ url, messageTimeoutMs: -5 }, /"messageTimeoutMs"/],
    [{ url, messageTimeoutMs: 2 ** 31 }, /"messageTimeoutMs"/],
    [{ url, connectTimeoutMs: Number.POSITIVE_INFINITY }, /"connectTimeoutMs"/],
    [{ url, connectTimeoutMs: '5s' }, /"connectTimeoutMs"/],
    [{ url, offlineQueueSize: 1.5 }, /"offlineQueueSize"/],
    [{ url, heartbeatInterval: -1 }, /"heartbeatInterval"/],
    [{ url, heartbeatIntervalMs: -1 }, /"heartbeatIntervalMs"/],
    [{ url, heartbeatIntervalMs: 2 ** 30 }, /"heartbeatIntervalMs"/],
    [{ url, WebSocket: 'ws' }, /"WebSocket"/],
    [{ url, reconnect: 'yes' }, /"reconnect"/],
    [{ url, clientName: 'x'.repeat(129) }, /"clientName"/],
    [{ url, clientName: 7 }, /"clientName"/],
    // The names used before every duration ended in `Ms` are refused, not ignored.
    [{ url, messageTimeout: -5 }, /"messageTimeout"/],
    [{ url, connectTimeout: Number.POSITIVE_INFINITY }, /"connectTimeout"/],
    [
      { url, maxReconnectInterval: 1000 },
      /"maxReconnectInterval" is now called "maxReconnectIntervalMs"/,
    ],
    [{ url, messageTimeout: 1000 }, /"messageTimeout" is now called "messageTimeoutMs"/],
    [{ url, reconectIntervalMs: 10 }, /unknown option "reconectIntervalMs"/],
  ])('throws a TypeError naming the option for %j', (options, message) => {
    expect(() => new WSClient(options as never)).toThrow(TypeError);
    expect(() => new WSClient(options as never)).toThrow(message);
  });

  it('accepts Infinity for messageTimeoutMs and maxReconnectAttempts, 0 for heartbeatIntervalMs', () => {
    expect(
      () =>
        new WSClient({
          url,
          messageTimeoutMs: Number.POSITIVE_INFINITY,
          maxReconnectAttempts: Number.POSITIVE_INFINITY,
          heartbeatIntervalMs: 0,
        }),
    ).not.toThrow();
    expect(
      () => new WSClient({ url, messageTimeoutMs: Number.POSITIVE_INFINITY, heartbeatInterval: 0 }),
    ).not.toThrow();
  });

  it('reads the seed names reconnectInterval and heartbeatInterval as their Ms names', () => {
    const resolved = resolveOptions({ url, reconnectInterval: 5000, heartbeatInterval: 250 });
    expect(resolved.reconnectIntervalMs).toBe(5000);
    expect(resolved.heartbeatIntervalMs).toBe(250);
    expect(resolved).not.toHaveProperty('reconnectInterval');
    expect(resolved).not.toHaveProperty('heartbeatInterval');
    // Both names with the same value is no conflict.
    expect(resolveOptions({ url, reconnectInterval: 5, reconnectIntervalMs: 5 })).toMatchObject({
      reconnectIntervalMs: 5,
    });
  });

  it.each([
    [
      { reconnectIntervalMs: 100, reconnectInterval: 200 },
      'reconnectIntervalMs',
      'reconnectInterval',
    ],
    [
      { heartbeatIntervalMs: 100, heartbeatInterval: 0 },
      'heartbeatIntervalMs',
      'heartbeatInterval',
    ],
  ])('refuses both names of one option with different values: %j', (options, name, alias) => {
    const create = () => new WSClient({ url, ...options });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(`"${name}" and "${alias}" conflict`);
  });
});
