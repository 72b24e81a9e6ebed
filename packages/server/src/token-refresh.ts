import {
  type AuthFrame,
  ErrorCode,
  isPatternAllowed,
  MAX_TOPICS_PER_FRAME,
  SwitchboardError,
} from '@switchboard/protocol';
import { type AuthenticationOptions, admitToken, authenticationFailure } from './authentication.ts';
import type { FrameRejection } from './frame-rejection.ts';
import type { Principal } from './principal.ts';
import type { FrameHandler } from './router-link.ts';
import type { ServerConnection } from './server-connection.ts';
import { expiresAtField } from './token-expiry.ts';

/** @internal What an in-band refresh needs from its server. */
export interface RefreshHost {
  readonly rejection: FrameRejection;
  /** The attached router, if any: it removes subscriptions the new principal may not hold. */
  readonly router: FrameHandler | undefined;
  /** The connection has a new principal (restarts its expiry clock, emits `token-refreshed`). */
  refreshed(connection: ServerConnection): void;
  /** `authenticate` or `isRevoked` failed unexpectedly (emits `error`). */
  error(error: unknown): void;
}

/**
 * @internal
 * An `auth` frame on an open connection: the token refresh of docs/protocol.md. The token
 * goes through the same checks as at the handshake; on success the principal is replaced in
 * place (same connection, no new welcome), subscriptions the new principal may not hold are
 * ended with an `unsubscribed` frame, and the frame is acked with the new `expiresAt`. On
 * failure the client gets AUTHENTICATION_FAILED and keeps its previous principal until that
 * expires. A connection cannot become someone else: a token for another principal id is
 * refused.
 *
 * `receive` is the one place such a frame is handled, so a limiter for `auth` frames belongs
 * at its top. One refresh per connection runs at a time; frames sent meanwhile are checked
 * against the principal in force when they arrive.
 */
export class TokenRefresh {
  readonly #running = new WeakSet<ServerConnection>();

  constructor(
    private readonly options: AuthenticationOptions,
    private readonly host: RefreshHost,
  ) {}

  receive(connection: ServerConnection, frame: AuthFrame): void {
    const refuse = (message: string, code: ErrorCode = ErrorCode.AUTHENTICATION_FAILED) =>
      this.host.rejection.reject(connection, new SwitchboardError(code, message), frame.id);
    if (this.options.authenticate === undefined) {
      refuse('This hub does not authenticate: there is no credential to refresh');
      return;
    }
    if (this.#running.has(connection)) {
      refuse('A token refresh is already under way on this connection', ErrorCode.RATE_LIMITED);
      return;
    }
    this.#running.add(connection);
    const previous = connection.principal;
    admitToken(this.options, frame.token, {
      connectionId: connection.id,
      remoteAddress: connection.remoteAddress,
      // The upgrade request is gone once a connection is open (it is not kept per connection).
      headers: {},
      url: '/',
      transport: 'frame',
      refresh: true,
    })
      .then(({ principal }) => {
        if (connection.state !== 'open') return;
        if (previous !== null && principal.id !== previous.id) {
          refuse(
            `Token refresh refused: the token is for another principal; a connection keeps the principal it authenticated as ("${previous.id}")`,
          );
          return;
        }
        this.#replace(connection, principal, frame.id);
      })
      .catch((error: unknown) => {
        if (connection.state !== 'open') return;
        const { failure, unexpected } = authenticationFailure(error);
        if (unexpected) this.host.error(error);
        this.host.rejection.reject(connection, failure, frame.id);
      })
      .finally(() => this.#running.delete(connection));
  }

  #replace(connection: ServerConnection, principal: Principal, id: string | undefined): void {
    connection.principal = principal;
    // Before the ack, so a client that awaits the refresh already knows what it lost.
    this.#endForbidden(connection, principal);
    this.host.refreshed(connection);
    if (id !== undefined) {
      connection.send({ type: 'ack', id, ok: true, ...expiresAtField(principal) });
    }
  }

  /** Ends the subscriptions the new principal's `subscribe` list no longer covers. */
  #endForbidden(connection: ServerConnection, principal: Principal): void {
    const allowed = principal.subscribe;
    const router = this.host.router;
    if (allowed === undefined || router === undefined) return;
    const forbidden = [...connection.subscriptions].filter(
      (pattern) => !isPatternAllowed(allowed, pattern),
    );
    for (let i = 0; i < forbidden.length; i += MAX_TOPICS_PER_FRAME) {
      const topics = forbidden.slice(i, i + MAX_TOPICS_PER_FRAME);
      // No id: the router removes them and emits `unsubscribed`, without an ack.
      router.handleFrame(connection, { type: 'unsubscribe', topics });
      connection.send({
        type: 'unsubscribed',
        topics,
        code: ErrorCode.FORBIDDEN,
        reason: 'The refreshed credential does not allow these subscriptions',
      });
    }
  }
}
