import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  type ClientFrame,
  CloseCode,
  ErrorCode,
  negotiateVersion,
  PROTOCOL_VERSIONS,
  SwitchboardError,
  versionFromSubprotocol,
} from '@switchboard/protocol';
import { admitToken, authenticationFailure } from './authentication.ts';
import type { FrameRejection } from './frame-rejection.ts';
import type { AuthenticationMetadata, ResolvedServerOptions } from './options.ts';
import { preAuthRefusal } from './pre-auth-budget.ts';
import type { ServerConnection } from './server-connection.ts';
import { tokenFromRequest } from './token.ts';
import { expiresAtField } from './token-expiry.ts';
import { SERVER_VERSION } from './version.ts';

/** @internal A connection's handshake data; dropped once the connection is open. */
export interface HandshakeState {
  /** What authentication needs of the upgrade request. */
  readonly request: { headers: IncomingHttpHeaders; url: string };
  /** Closes the connection (4002) when the handshake did not finish in time. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Frames that arrived before authentication finished, dispatched in order afterwards. */
  pending: ClientFrame[] | undefined;
  /** Bytes of the messages in `pending`, against `preAuthBytes`. */
  pendingBytes: number;
  /** Authentication needs an `auth` frame: no token came with hello, header or query. */
  awaitingAuthFrame: boolean;
}

/** @internal The server options the handshake reads. */
export type HandshakeOptions = Pick<
  ResolvedServerOptions,
  | 'authenticate'
  | 'isRevoked'
  | 'authTimeoutMs'
  | 'heartbeatIntervalMs'
  | 'maxPayload'
  | 'name'
  | 'preAuthBytes'
  | 'preAuthFrames'
>;

/** @internal What the handshake needs from its server. */
export interface HandshakeHost {
  readonly rejection: FrameRejection;
  /** The log epoch announced in `welcome`. */
  epoch(): string;
  /** The connection is open (emits `authenticated`). */
  authenticated(connection: ServerConnection): void;
  /** `authenticate` failed unexpectedly (emits `error`). */
  error(error: unknown): void;
  /** Routes a frame that waited for authentication, once the connection is open. */
  dispatch(connection: ServerConnection, frame: ClientFrame): void;
}

/**
 * @internal
 * From the upgrade to `welcome`: version negotiation (`hello` or the subprotocol), the token
 * (frame, header or query), `authenticate`, the deadline, and the frames a client sends
 * before all that is done, which wait and are routed in order afterwards.
 */
export class Handshake {
  constructor(
    private readonly options: HandshakeOptions,
    private readonly host: HandshakeHost,
  ) {}

  /** Starts the clock: the connection must be open within `authTimeoutMs`. */
  begin(connection: ServerConnection, request: IncomingMessage): void {
    const state: HandshakeState = {
      // Only what authentication needs is kept, and only until the handshake ends.
      request: { headers: request.headers, url: request.url ?? '/' },
      timer: undefined,
      pending: undefined,
      pendingBytes: 0,
      awaitingAuthFrame: false,
    };
    connection.handshake = state;
    state.timer = setTimeout(() => {
      if (connection.state === 'handshaking' || connection.state === 'authenticating') {
        this.host.rejection.refuse(
          connection,
          new SwitchboardError(
            ErrorCode.AUTHENTICATION_TIMEOUT,
            `Handshake and authentication did not finish within ${this.options.authTimeoutMs} ms`,
          ),
          CloseCode.AUTHENTICATION_TIMEOUT,
        );
      }
    }, this.options.authTimeoutMs);
    state.timer.unref();
  }

  /**
   * An unsupported Switchboard subprotocol was accepted at upgrade so that the refusal can be
   * explained in-band: UNSUPPORTED_VERSION, then close 4003.
   */
  checkSubprotocol(connection: ServerConnection): void {
    const protocol = connection.socket.protocol;
    const offered = protocol ? versionFromSubprotocol(protocol) : undefined;
    if (offered === undefined) return;
    const negotiation = negotiateVersion([offered]);
    if (!negotiation.ok) {
      this.host.rejection.refuse(connection, negotiation.error, CloseCode.UNSUPPORTED_VERSION);
    }
  }

  /** A frame of a connection that is handshaking or authenticating; `size` is its message's. */
  receive(connection: ServerConnection, frame: ClientFrame, size: number): void {
    if (connection.state === 'handshaking') this.#hello(connection, frame);
    else if (connection.state === 'authenticating') {
      this.#whileAuthenticating(connection, frame, size);
    }
  }

  /** The first message was not a valid `hello`: INVALID_MESSAGE and close 4007. */
  refuseFirstFrame(connection: ServerConnection, error: SwitchboardError, id?: string): void {
    this.host.rejection.refuse(
      connection,
      new SwitchboardError(
        ErrorCode.INVALID_MESSAGE,
        `The first frame must be a valid hello: ${error.message}`,
        error.details === undefined ? {} : { details: error.details },
      ),
      CloseCode.HANDSHAKE_FAILED,
      id,
    );
  }

  /** The connection closed: its handshake, if any, ends with it. */
  end(connection: ServerConnection): void {
    clearTimeout(connection.handshake?.timer);
    connection.handshake = undefined;
  }

  #hello(connection: ServerConnection, frame: ClientFrame): void {
    const state = connection.handshake!;
    if (frame.type !== 'hello') {
      this.refuseFirstFrame(
        connection,
        new SwitchboardError(ErrorCode.INVALID_MESSAGE, `got a ${frame.type} frame`),
        'id' in frame ? frame.id : undefined,
      );
      return;
    }
    const negotiation = negotiateVersion(frame.versions);
    if (!negotiation.ok) {
      this.host.rejection.refuse(connection, negotiation.error, CloseCode.UNSUPPORTED_VERSION);
      return;
    }
    connection.protocolVersion = negotiation.version;
    connection.state = 'authenticating';
    if (!this.options.authenticate) {
      connection.principal = { id: connection.id };
      this.#welcome(connection, undefined);
      return;
    }
    if (frame.token !== undefined) {
      this.#authenticate(connection, frame.token, 'frame', undefined);
      return;
    }
    const carried = tokenFromRequest(state.request);
    if (carried) {
      this.#authenticate(connection, carried.token, carried.transport, undefined);
      return;
    }
    // Wait for an `auth` frame until authTimeoutMs.
    state.awaitingAuthFrame = true;
  }

  #whileAuthenticating(connection: ServerConnection, frame: ClientFrame, size: number): void {
    const state = connection.handshake!;
    if (frame.type === 'auth' && state.awaitingAuthFrame) {
      state.awaitingAuthFrame = false;
      this.#authenticate(connection, frame.token, 'frame', frame.id);
    } else if (frame.type === 'hello' || frame.type === 'auth') {
      this.host.rejection.reject(
        connection,
        new SwitchboardError(
          ErrorCode.INVALID_MESSAGE,
          `Unexpected ${frame.type} frame: the handshake is already under way`,
        ),
        frame.type === 'auth' ? frame.id : undefined,
      );
    } else {
      const refusal = preAuthRefusal(this.options, state, size);
      if (refusal !== undefined) {
        // The frames of calls under way have no id of their own (they name a `call`).
        this.host.rejection.reject(connection, refusal, 'id' in frame ? frame.id : undefined);
        return;
      }
      state.pending ??= [];
      state.pending.push(frame);
      state.pendingBytes += size;
    }
  }

  #authenticate(
    connection: ServerConnection,
    token: string,
    transport: 'frame' | 'header' | 'query',
    authFrameId: string | undefined,
  ): void {
    const metadata: AuthenticationMetadata = {
      connectionId: connection.id,
      remoteAddress: connection.remoteAddress,
      headers: connection.handshake?.request.headers ?? {},
      url: connection.handshake?.request.url ?? '/',
      transport,
      refresh: false,
    };
    admitToken(this.options, token, metadata)
      .then(({ principal, named }) => {
        if (connection.state !== 'authenticating') return;
        connection.principal = principal;
        if (named) connection.dedupeScope = principal.id;
        this.#welcome(connection, authFrameId);
      })
      .catch((error: unknown) => {
        if (connection.state !== 'authenticating') return;
        const { failure, unexpected } = authenticationFailure(error);
        if (unexpected) this.host.error(error);
        this.host.rejection.refuse(
          connection,
          failure,
          CloseCode.AUTHENTICATION_FAILED,
          authFrameId,
        );
      });
  }

  #welcome(connection: ServerConnection, authFrameId: string | undefined): void {
    const state = connection.handshake;
    this.end(connection);
    connection.state = 'open';
    connection.send({
      type: 'welcome',
      version: connection.protocolVersion ?? PROTOCOL_VERSIONS[0],
      connectionId: connection.id,
      principal: connection.principal ? { id: connection.principal.id } : null,
      epoch: this.host.epoch(),
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      maxPayload: this.options.maxPayload,
      server: { name: this.options.name, version: SERVER_VERSION },
      ...expiresAtField(connection.principal),
    });
    if (authFrameId !== undefined) connection.send({ type: 'ack', id: authFrameId, ok: true });
    this.host.authenticated(connection);
    for (const frame of state?.pending ?? []) {
      if (connection.state !== 'open') break;
      this.host.dispatch(connection, frame);
    }
  }
}
