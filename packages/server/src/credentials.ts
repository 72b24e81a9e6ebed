import { type AuthFrame, CloseCode } from '@switchboard/protocol';
import type { AuthenticationOptions } from './authentication.ts';
import type { FrameRejection } from './frame-rejection.ts';
import type { FrameHandler } from './router-link.ts';
import type { ServerConnection } from './server-connection.ts';
import { TokenExpiry } from './token-expiry.ts';
import { TokenRefresh } from './token-refresh.ts';

/** @internal What a server's credential lifecycle needs from it. */
export interface CredentialsHost {
  readonly rejection: FrameRejection;
  readonly router: FrameHandler | undefined;
  /** Emits `token-refreshed`. */
  refreshed(connection: ServerConnection): void;
  /** Emits `error`. */
  error(error: unknown): void;
}

/**
 * @internal
 * A connection's credential after the handshake: its expiry clock (`token-expiry.ts`), its
 * in-band refresh (`token-refresh.ts`) and revocation, in one place for WSServer to call.
 */
export class Credentials {
  readonly #expiry: TokenExpiry;
  readonly #refresh: TokenRefresh;

  constructor(options: AuthenticationOptions, host: CredentialsHost) {
    this.#expiry = new TokenExpiry({
      refreshRequired: (connection, expiresAt) =>
        connection.send({ type: 'refresh-required', expiresAt: Math.ceil(expiresAt) }),
      expired: (connection) =>
        closeAnnounced(connection, CloseCode.TOKEN_EXPIRED, 'Token expired', true),
    });
    this.#refresh = new TokenRefresh(options, {
      rejection: host.rejection,
      get router() {
        return host.router;
      },
      refreshed: (connection) => {
        this.#expiry.track(connection);
        host.refreshed(connection);
      },
      error: (error) => host.error(error),
    });
  }

  /** The connection opened with its principal: start its expiry clock, if it expires. */
  opened(connection: ServerConnection): void {
    this.#expiry.track(connection);
  }

  /** An `auth` frame on an open connection. */
  refresh(connection: ServerConnection, frame: AuthFrame): void {
    this.#refresh.receive(connection, frame);
  }

  closed(connection: ServerConnection): void {
    this.#expiry.end(connection);
  }

  /** Ends the open connections of `principalId` with 4009; returns how many. */
  revoke(connections: Iterable<ServerConnection>, principalId: string, reason: string): number {
    let ended = 0;
    for (const connection of connections) {
      if (connection.state !== 'open' || connection.principal?.id !== principalId) continue;
      closeAnnounced(connection, CloseCode.REVOKED, reason, false);
      ended += 1;
    }
    return ended;
  }
}

/** Tells the client why (the close frame may be lost), then closes. */
function closeAnnounced(
  connection: ServerConnection,
  code: number,
  reason: string,
  reconnect: boolean,
): void {
  connection.send({ type: 'disconnect', code, reason, reconnect });
  connection.close(code, reason);
}
