import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { HandshakeState } from './handshake.ts';
import type { ResolvedServerOptions } from './options.ts';

/** @internal The options the pre-authentication budget reads. */
export type PreAuthOptions = Pick<
  ResolvedServerOptions,
  'preAuthBytes' | 'preAuthFrames' | 'maxPayload'
>;

/**
 * @internal
 * The largest message a connection may send before its `welcome`: `preAuthBytes`, or
 * `maxPayload` when that is smaller. An unauthenticated client cannot make the hub buffer or
 * parse more than that at a time.
 */
export function preAuthMessageLimit(options: PreAuthOptions): number {
  return Math.min(options.preAuthBytes, options.maxPayload);
}

/**
 * @internal
 * Why a subscribe, unsubscribe, publish or request frame sent before `welcome` cannot wait for
 * authentication, if it cannot: the hub waits for an `auth` frame (no token came with hello,
 * header or query), or `preAuthFrames` frames or `preAuthBytes` bytes already wait while
 * `authenticate` runs. The frame gets AUTHENTICATION_REQUIRED with its id and is not handled;
 * the client sends it again after `welcome`.
 */
export function preAuthRefusal(
  options: PreAuthOptions,
  state: HandshakeState,
  size: number,
): SwitchboardError | undefined {
  if (state.awaitingAuthFrame) {
    return new SwitchboardError(
      ErrorCode.AUTHENTICATION_REQUIRED,
      'This hub needs a token first: send an auth frame',
    );
  }
  const { preAuthFrames, preAuthBytes } = options;
  if ((state.pending?.length ?? 0) < preAuthFrames && state.pendingBytes + size <= preAuthBytes) {
    return undefined;
  }
  return new SwitchboardError(
    ErrorCode.AUTHENTICATION_REQUIRED,
    `Authentication is still running and ${state.pending?.length ?? 0} frames (${state.pendingBytes} bytes) already wait for it; send this frame after welcome`,
    { details: { preAuthFrames, preAuthBytes } },
  );
}
