import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { AuthenticationMetadata, ResolvedServerOptions } from './options.ts';
import { type Principal, toPrincipal } from './principal.ts';

/** @internal The server options a credential check reads. */
export type AuthenticationOptions = Pick<ResolvedServerOptions, 'authenticate' | 'isRevoked'>;

/** @internal A credential that passed: the principal, and whether `authenticate` named it. */
export interface Admitted {
  principal: Principal;
  /** `authenticate` returned an object with an `id` (not `true`): dedupe publishes by it. */
  named: boolean;
}

/**
 * @internal
 * What every credential goes through, at the handshake and on an in-band refresh alike:
 * `authenticate`, the principal's shape, its expiry, then `isRevoked`. Resolves with the
 * principal or rejects (see `authenticationFailure` for what the client is told).
 */
export async function admitToken(
  options: AuthenticationOptions,
  token: string,
  metadata: AuthenticationMetadata,
): Promise<Admitted> {
  const result = await options.authenticate!(token, metadata);
  if (result === false || result === undefined || result === null) {
    throw new SwitchboardError(
      ErrorCode.AUTHENTICATION_FAILED,
      'Authentication failed: token refused',
    );
  }
  const principal = toPrincipal(result, metadata.connectionId);
  if (principal.expiresAt !== undefined && principal.expiresAt <= Date.now()) {
    throw new SwitchboardError(
      ErrorCode.AUTHENTICATION_FAILED,
      'Authentication failed: token expired',
    );
  }
  if (options.isRevoked !== undefined && (await options.isRevoked(principal, token)) === true) {
    throw new SwitchboardError(
      ErrorCode.AUTHENTICATION_FAILED,
      'Authentication failed: token revoked',
    );
  }
  return { principal, named: typeof result === 'object' && typeof result.id === 'string' };
}

/**
 * @internal
 * The error a client gets for a credential that did not pass. A SwitchboardError thrown by
 * `authenticate` keeps its message (it is the application's to word); anything else is a
 * bug or an outage on the hub's side, so the client learns nothing of it and the server
 * emits `error` (`unexpected`). Never the token: no message here is built from it.
 */
export function authenticationFailure(error: unknown): {
  failure: SwitchboardError;
  unexpected: boolean;
} {
  const unexpected =
    !(error instanceof SwitchboardError) || error.code === ErrorCode.INTERNAL_ERROR;
  const message = unexpected ? 'Authentication failed' : (error as SwitchboardError).message;
  return {
    failure: new SwitchboardError(ErrorCode.AUTHENTICATION_FAILED, message),
    unexpected,
  };
}
