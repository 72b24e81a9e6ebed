import { describe, expect, it } from 'vitest';
import { WSClient } from './index.ts';
import { DEFAULT_CLIENT_OPTIONS, resolveOptions } from './options.ts';

const url = 'ws://localhost:1';

describe('options', () => {
  it('merges the defaults once, ignoring undefined values', () => {
    const resolved = resolveOptions({ url, reconnect: undefined, messageTimeout: 5 });
    expect(resolved).toEqual({ ...DEFAULT_CLIENT_OPTIONS, url, messageTimeout: 5 });
    expect(DEFAULT_CLIENT_OPTIONS).toMatchObject({
      reconnect: true,
      reconnectInterval: 1000,
      maxReconnectInterval: 30_000,
      reconnectMultiplier: 2,
      maxReconnectAttempts: Number.POSITIVE_INFINITY,
      messageTimeout: 30_000,
      connectTimeout: 10_000,
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
    [
      { url, reconnectInterval: 5000, maxReconnectInterval: 1000 },
      /"maxReconnectInterval" and "reconnectInterval"/,
    ],
    [{ url, reconnectMultiplier: 0.5 }, /"reconnectMultiplier"/],
    [{ url, maxReconnectAttempts: -1 }, /"maxReconnectAttempts"/],
    [{ url, messageTimeout: -5 }, /"messageTimeout"/],
    [{ url, connectTimeout: Number.POSITIVE_INFINITY }, /"connectTimeout"/],
    [{ url, offlineQueueSize: 1.5 }, /"offlineQueueSize"/],
    [{ url, heartbeatInterval: -1 }, /"heartbeatInterval"/],
    [{ url, WebSocket: 'ws' }, /"WebSocket"/],
    [{ url, reconnect: 'yes' }, /"reconnect"/],
  ])('throws a TypeError naming the option for %j', (options, message) => {
    expect(() => new WSClient(options as never)).toThrow(TypeError);
    expect(() => new WSClient(options as never)).toThrow(message);
  });

  it('accepts Infinity for messageTimeout and maxReconnectAttempts, 0 for heartbeatInterval', () => {
    expect(
      () => new WSClient({ url, messageTimeout: Number.POSITIVE_INFINITY, heartbeatInterval: 0 }),
    ).not.toThrow();
  });
});
