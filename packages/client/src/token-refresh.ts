import {
  type AuthFrame,
  ErrorCode,
  type RefreshRequiredFrame,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import type { TokenSource } from './options.ts';
import type { ReplyFrame } from './pending.ts';

/** What an in-band token refresh needs from the client that owns it. */
export interface TokenRefreshHost {
  token(): TokenSource | undefined;
  online(): boolean;
  nextId(): string;
  /** Writes the auth frame and resolves with the hub's answer (not retried after a drop). */
  send(frame: AuthFrame & { id: string }): Promise<ReplyFrame>;
  refreshed(expiresAt: number | undefined): void;
  failed(error: SwitchboardError, expiresAt: number): void;
}

/**
 * Answers the hub's `refresh-required`: asks the token function for a fresh token and sends
 * it in an `auth` frame on the same connection, so subscriptions, unacked publishes and the
 * stream position stay as they are. A failure leaves the connection with its old credential
 * until the hub closes it at `expiresAt` (4008); the reconnect then asks the token function
 * again. Nothing outlives the connection it was asked on: a drop or a new welcome cancels it.
 */
export class TokenRefresher {
  /** Bumped on every welcome and drop: a refresh belongs to the connection that asked. */
  #generation = 0;
  #running = false;

  readonly #host: TokenRefreshHost;

  constructor(host: TokenRefreshHost) {
    this.#host = host;
  }

  reset(): void {
    this.#generation += 1;
    this.#running = false;
  }

  onRefreshRequired(frame: RefreshRequiredFrame): void {
    // The hub asks once per credential; a second notice while one runs is answered by it.
    if (this.#running) return;
    this.#running = true;
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    this.#refresh()
      .then((expiresAt) => {
        if (current()) this.#host.refreshed(expiresAt);
      })
      .catch((error: unknown) => {
        if (current()) this.#host.failed(asFailure(error), frame.expiresAt);
      })
      .finally(() => {
        if (current()) this.#running = false;
      });
  }

  async #refresh(): Promise<number | undefined> {
    const source = this.#host.token();
    if (typeof source !== 'function') {
      throw new SwitchboardError(
        ErrorCode.AUTHENTICATION_FAILED,
        'The hub asked for a fresh token, but option "token" is not a function; the connection closes when the token expires',
      );
    }
    const generation = this.#generation;
    let token: unknown;
    try {
      token = await source();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new SwitchboardError(
        ErrorCode.AUTHENTICATION_FAILED,
        `Token provider failed: ${message}`,
        { cause: error },
      );
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw new SwitchboardError(
        ErrorCode.AUTHENTICATION_FAILED,
        'Token provider returned no token (expected a non-empty string)',
      );
    }
    // Dropped meanwhile: the reconnect has fetched its own token.
    if (generation !== this.#generation || !this.#host.online()) return undefined;
    const reply = await this.#host.send({ type: 'auth', id: this.#host.nextId(), token });
    return reply.type === 'ack' ? reply.expiresAt : undefined;
  }
}

function asFailure(error: unknown): SwitchboardError {
  return SwitchboardError.from(error, ErrorCode.AUTHENTICATION_FAILED);
}
