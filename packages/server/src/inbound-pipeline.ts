import {
  type AuthFrame,
  type ClientFrame,
  CloseCode,
  ErrorCode,
  errorFrame,
  parseClientFrame,
  SwitchboardError,
} from '@switchboard/protocol';
import type { RawData } from 'ws';
import type { FrameRejection } from './frame-rejection.ts';
import { type FrameStages, isCallTraffic } from './frame-stage.ts';
import type { Handshake } from './handshake.ts';
import { answerHeartbeat, payloadTooLarge, rawSize } from './inbound-stages.ts';
import type { InboundThrottle } from './inbound-throttle.ts';
import type { RateLimitStage } from './rate-limit-stage.ts';
import type { FrameHandler } from './router-link.ts';
import type { ServerConnection } from './server-connection.ts';

/** @internal What the pipeline needs from its server. */
export interface PipelineHost {
  readonly maxPayload: number;
  /** The largest message before `welcome` (see pre-auth-budget.ts). */
  readonly preAuthMessageLimit: number;
  readonly handshake: Handshake;
  readonly stages: FrameStages;
  /** Also limits `auth` frames of open connections (token refresh), which no stage sees. */
  readonly rateLimit: RateLimitStage;
  readonly rejection: FrameRejection;
  readonly throttle: InboundThrottle;
  /** The attached router, if any. */
  readonly router: FrameHandler | undefined;
  /** An `auth` frame of an open connection: an in-band token refresh (token-refresh.ts). */
  refresh(connection: ServerConnection, frame: AuthFrame): void;
  /** The `message` hook: every valid frame of an open connection, before its stages. */
  message(connection: ServerConnection, frame: ClientFrame): void;
  /** A stage or the router threw (emits `error`). */
  error(error: unknown): void;
}

/**
 * @internal
 * Every inbound message, in order: size (`maxPayload`; before `welcome` the pre-authentication
 * limit) → parse (a first message that is not a valid hello closes with 4007) → heartbeat →
 * phase (the handshake until the connection is open; then `auth` frames go to the token
 * refresh) → the `message` hook → stages (authorization first, then `use()`d ones) → the
 * router. A step that refuses answers with an error frame carrying the frame's id; only an
 * oversized message and a bad first frame close the connection. Nothing here allocates per
 * frame beyond the parse, and no step returns a promise.
 */
export class InboundPipeline {
  constructor(private readonly host: PipelineHost) {}

  receive(connection: ServerConnection, data: RawData, isBinary: boolean): void {
    connection.alive = true;
    connection.messagesIn += 1;
    if (connection.state === 'closing' || connection.state === 'closed') return;
    const host = this.host;
    const open = connection.state === 'open';
    const size = rawSize(data);
    const tooLarge = open
      ? payloadTooLarge(size, host.maxPayload)
      : payloadTooLarge(size, host.preAuthMessageLimit, 'preAuthBytes');
    if (tooLarge !== undefined) {
      host.rejection.refuse(connection, tooLarge, CloseCode.MESSAGE_TOO_BIG);
      return;
    }
    const parsed = parseClientFrame(isBinary ? data : data.toString());
    if (!parsed.ok) {
      if (connection.state === 'handshaking') {
        host.handshake.refuseFirstFrame(connection, parsed.error, parsed.id);
      } else host.rejection.reject(connection, parsed.error, parsed.id);
      return;
    }
    const frame = parsed.frame;
    if (answerHeartbeat(connection, frame)) return;
    if (!open) {
      host.handshake.receive(connection, frame, size);
      return;
    }
    this.dispatch(connection, frame);
    host.throttle.afterFrame(connection.reads);
  }

  /** A frame of an open connection (also those that waited for authentication). */
  dispatch(connection: ServerConnection, frame: ClientFrame): void {
    const host = this.host;
    if (frame.type === 'auth') {
      // Before anything runs `authenticate` again: refreshes are rate-limited (`auth`).
      const refusal = host.rateLimit.admit(connection, 'auth', frame.id);
      if (refusal !== undefined) {
        connection.send(errorFrame(refusal, frame.id));
        return;
      }
      host.refresh(connection, frame);
      return;
    }
    if (frame.type === 'hello') {
      host.rejection.reject(
        connection,
        new SwitchboardError(
          ErrorCode.INVALID_MESSAGE,
          'Unexpected hello frame: this connection is already authenticated',
        ),
        undefined,
      );
      return;
    }
    if (frame.type === 'ping' || frame.type === 'pong') return;
    host.message(connection, frame);
    const router = host.router;
    if (isCallTraffic(frame)) {
      // A call's own frames, past the stages (see CallTrafficFrame); nothing to answer.
      try {
        router?.handleCallFrame(connection, frame);
      } catch (error) {
        host.error(error);
      }
      return;
    }
    if (!router) {
      host.rejection.reject(
        connection,
        new SwitchboardError(
          ErrorCode.NOT_FOUND,
          `No router is attached to handle ${frame.type} frames`,
        ),
        frame.id,
      );
      return;
    }
    try {
      const refusal = host.stages.check(frame, connection);
      if (refusal !== undefined) {
        // Answered like the router answers what it refuses: not a `client-error`.
        connection.send(errorFrame(refusal, frame.id));
        return;
      }
      router.handleFrame(connection, frame);
    } catch (error) {
      host.error(error);
      host.rejection.reject(
        connection,
        new SwitchboardError(ErrorCode.INTERNAL_ERROR, 'Internal error'),
        frame.id,
      );
    }
  }
}
