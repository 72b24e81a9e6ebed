import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { WSClient } from './index.ts';
import { ScriptedSocket } from './testing/scripted-socket.ts';

const options = {
  reconnectIntervalMs: 1000,
  maxReconnectIntervalMs: 30_000,
  reconnectMultiplier: 2,
};

describe('backoffDelay', () => {
  it('draws from [0, min(max, initial * multiplier^retry)) with full jitter', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(0);
    expect(backoffDelay(0, options, () => 0.5)).toBe(500);
    expect(backoffDelay(0, options, () => 0.999_999)).toBe(999);
    expect(backoffDelay(3, options, () => 0.5)).toBe(4000);
    expect(backoffDelay(4, options, () => 0.999_999)).toBe(15_999);
    // Capped: 1000 * 2^5 = 32000 > 30000.
    expect(backoffDelay(5, options, () => 0.5)).toBe(15_000);
    expect(backoffDelay(5000, options, () => 0.5)).toBe(15_000);
  });

  it('covers the whole range, not just the top of it', () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelay(2, options));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(4000);
    expect(delays.filter((d) => d < 1000).length).toBeGreaterThan(300);
    expect(delays.filter((d) => d >= 3000).length).toBeGreaterThan(300);
  });
});

describe('reconnect schedule (fake clock)', () => {
  const clients: WSClient[] = [];

  beforeEach(() => {
    ScriptedSocket.reset();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });

  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
  });

  function scriptedClient(extra: Partial<ConstructorParameters<typeof WSClient>[0]> = {}) {
    const client = new WSClient({
      url: 'ws://hub.invalid',
      WebSocket: ScriptedSocket,
      // The schedule of one transport: no HTTP fallback attempt between WebSocket attempts.
      transport: 'websocket',
      reconnectIntervalMs: 1000,
      maxReconnectIntervalMs: 5000,
      ...extra,
    });
    clients.push(client);
    return client;
  }

  it('waits initial * multiplier^retry * random, capped, then gives up', async () => {
    const client = scriptedClient({ maxReconnectAttempts: 5 });
    await client.connect();
    const delays: number[] = [];
    client.on('reconnecting', (event) => delays.push(event.delayMs));
    let failed = false;
    client.on('reconnect-failed', () => {
      failed = true;
    });

    ScriptedSocket.accept = false;
    ScriptedSocket.sockets[0]!.drop();
    expect(delays).toEqual([500]);

    await vi.advanceTimersByTimeAsync(499);
    expect(ScriptedSocket.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ScriptedSocket.sockets).toHaveLength(2);
    expect(delays).toEqual([500, 1000]);

    await vi.advanceTimersByTimeAsync(1000 + 2000 + 2500 + 2500);
    expect(delays).toEqual([500, 1000, 2000, 2500, 2500]);
    expect(ScriptedSocket.sockets).toHaveLength(6);
    expect(failed).toBe(true);
    expect(client.state).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resets the schedule after a successful reconnect', async () => {
    const client = scriptedClient();
    await client.connect();
    const delays: number[] = [];
    client.on('reconnecting', (event) => delays.push(event.delayMs));
    ScriptedSocket.accept = false;
    ScriptedSocket.sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    ScriptedSocket.accept = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.state).toBe('connected');
    ScriptedSocket.sockets.at(-1)!.drop();
    expect(delays).toEqual([500, 1000, 500]);
  });

  it('disconnect() during backoff cancels the pending attempt', async () => {
    const client = scriptedClient();
    await client.connect();
    ScriptedSocket.accept = false;
    ScriptedSocket.sockets[0]!.drop();
    expect(client.state).toBe('reconnecting');
    expect(vi.getTimerCount()).toBe(1);

    await client.disconnect();
    expect(client.state).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
    await vi.runAllTimersAsync();
    expect(ScriptedSocket.sockets).toHaveLength(1);
  });
});
