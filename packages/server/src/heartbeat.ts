import type { ServerConnection } from './server-connection.ts';

/**
 * @internal
 * Protocol pings every interval. A peer that showed no sign of life (pong or any message) for
 * a whole interval is gone or frozen: no close handshake can work, so its socket is cut.
 */
export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly connections: Map<string, ServerConnection>,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => this.#beat(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #beat(): void {
    for (const connection of this.connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        connection.socket.terminate();
      }
    }
  }
}
