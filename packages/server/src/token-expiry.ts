import { MAX_TIMER_MS } from '@switchboard/protocol';
import type { Principal } from './principal.ts';
import type { ServerConnection } from './server-connection.ts';

/** The most the hub asks for a refresh ahead of expiry. */
export const MAX_REFRESH_LEAD_MS = 60_000;
/** Of a credential's remaining lifetime, the share left when the hub asks for a refresh. */
export const REFRESH_LEAD_SHARE = 0.1;

/**
 * How long before expiry the hub sends `refresh-required`: 10% of the lifetime the credential
 * had when the connection got it, at most 60 s. A one-hour token is asked to refresh a minute
 * ahead; a 30 s token 3 s ahead, which still leaves a token service time to answer.
 */
export function refreshLeadMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_LEAD_MS, Math.max(0, lifetimeMs) * REFRESH_LEAD_SHARE);
}

/** The `expiresAt` field of welcome and of a refresh's ack, as whole ms (absent: never). */
export function expiresAtField(principal: Principal | null): { expiresAt?: number } {
  const expiresAt = principal?.expiresAt;
  return expiresAt === undefined ? {} : { expiresAt: Math.max(0, Math.ceil(expiresAt)) };
}

/** @internal What the expiry clock does when it fires. */
export interface ExpiryHost {
  /** The refresh lead time began: ask the client for a fresh token. */
  refreshRequired(connection: ServerConnection, expiresAt: number): void;
  /** The credential expired without a refresh: close the connection. */
  expired(connection: ServerConnection): void;
}

interface Clock {
  timer: ReturnType<typeof setTimeout>;
  readonly expiresAt: number;
  readonly refreshAt: number;
  asked: boolean;
}

/**
 * @internal
 * Each connection whose principal expires has one timer, for the next thing due: first the
 * `refresh-required` notice, then the close. Nothing runs per frame. `track` is called when
 * a principal is set (welcome, successful refresh) and replaces the connection's clock;
 * `end` on close.
 */
export class TokenExpiry {
  readonly #clocks = new WeakMap<ServerConnection, Clock>();

  constructor(private readonly host: ExpiryHost) {}

  track(connection: ServerConnection): void {
    this.end(connection);
    const expiresAt = connection.principal?.expiresAt;
    if (expiresAt === undefined) return;
    const now = Date.now();
    const clock: Clock = {
      timer: undefined as unknown as ReturnType<typeof setTimeout>,
      expiresAt,
      refreshAt: expiresAt - refreshLeadMs(expiresAt - now),
      asked: false,
    };
    this.#clocks.set(connection, clock);
    this.#arm(connection, clock, now);
  }

  end(connection: ServerConnection): void {
    const clock = this.#clocks.get(connection);
    if (clock === undefined) return;
    clearTimeout(clock.timer);
    this.#clocks.delete(connection);
  }

  #arm(connection: ServerConnection, clock: Clock, now: number): void {
    const due = clock.asked ? clock.expiresAt : clock.refreshAt;
    // Credentials valid for longer than a timer can wait (24.8 days) are looked at again then.
    const delay = Math.min(Math.max(0, due - now), MAX_TIMER_MS);
    clock.timer = setTimeout(() => this.#fire(connection, clock), delay);
    clock.timer.unref();
  }

  #fire(connection: ServerConnection, clock: Clock): void {
    if (this.#clocks.get(connection) !== clock || connection.state !== 'open') return;
    const now = Date.now();
    if (now >= clock.expiresAt) {
      this.#clocks.delete(connection);
      this.host.expired(connection);
      return;
    }
    if (!clock.asked && now >= clock.refreshAt) {
      clock.asked = true;
      this.host.refreshRequired(connection, clock.expiresAt);
    }
    this.#arm(connection, clock, now);
  }
}
