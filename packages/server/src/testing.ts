/**
 * Hooks for tests and benchmarks (`@switchboard/server/testing`): they reach under the
 * hub's public API to simulate failures, and may change with any release.
 */
import type WebSocket from 'ws';
import { rawSocketOf } from './raw-socket.ts';
import { SseSocket } from './sse-socket.ts';
import type { WSServer } from './ws-server.ts';

export { rawSocketOf } from './raw-socket.ts';

/**
 * Destroys the TCP socket of one client without a close handshake, as a network failure
 * would (for a client on the HTTP fallback: its event stream's, the session lives on);
 * false when the client is not connected.
 */
export function cutConnection(server: WSServer, clientId: string): boolean {
  const socket = server.getConnection(clientId)?.socket;
  if (socket instanceof SseSocket) return socket.output.cut();
  const raw = socket && rawSocketOf(socket as WebSocket);
  if (!raw) return false;
  raw.destroy();
  return true;
}

/**
 * Replaces the clock of the server's rate limits (monotonic milliseconds), so that a test
 * can refill buckets without waiting.
 */
export function setRateLimitClock(server: WSServer, now: () => number): void {
  server.rateLimitStage.clock = now;
}
