import { unref } from './async.ts';

/**
 * App-level liveness check. Browsers cannot see WebSocket protocol pings, and a half-open
 * TCP connection (laptop sleep, NAT timeout, unplugged cable) can stay "open" for many
 * minutes, so the client pings with frames and gives up when nothing at all has arrived
 * for two intervals.
 */
export class Heartbeat {
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastSeen = 0;
  #lastPing = 0;
  #lastTick = 0;

  readonly #intervalMs: number;
  readonly #ping: () => void;
  readonly #dead: () => void;

  constructor(intervalMs: number, ping: () => void, dead: () => void) {
    this.#intervalMs = intervalMs;
    this.#ping = ping;
    this.#dead = dead;
  }

  start(): void {
    const now = Date.now();
    this.#lastSeen = now;
    this.#lastPing = now;
    this.#lastTick = now;
    // Ticking at half the interval bounds detection to between 2 and 2.5 intervals.
    const period = Math.max(1, Math.floor(this.#intervalMs / 2));
    this.#timer = unref(setInterval(() => this.#tick(), period));
  }

  /** Records that a frame arrived. Called for every frame, so it only stores a number. */
  touch(): void {
    this.#lastSeen = Date.now();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = Date.now();
    // A late tick means this process stalled (busy loop, suspended tab): frames may be
    // waiting unread in the socket, so do not blame the hub for the gap.
    if (now - this.#lastTick > this.#intervalMs) {
      this.#lastSeen = Math.max(this.#lastSeen, now - this.#intervalMs);
    }
    this.#lastTick = now;
    if (now - this.#lastSeen >= 2 * this.#intervalMs) {
      this.stop();
      this.#dead();
      return;
    }
    if (now - this.#lastPing >= this.#intervalMs) {
      this.#lastPing = now;
      this.#ping();
    }
  }
}
