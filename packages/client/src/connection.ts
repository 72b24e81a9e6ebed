import {
  type ClientFrame,
  CloseCode,
  type DisconnectFrame,
  ErrorCode,
  encodeFrame,
  errorFromFrame,
  type HelloFrame,
  offeredSubprotocols,
  PROTOCOL_VERSIONS,
  parseServerFrame,
  type ServerFrame,
  SwitchboardError,
  type WelcomeFrame,
} from '@switchboard/protocol/wire';
import { deferred, unref, unrefSocket, unrefUnless } from './async.ts';
import { closeFailure, isTerminalErrorCode } from './errors.ts';
import { Heartbeat } from './heartbeat.ts';
import {
  CLIENT_VERSION,
  type ResolvedOptions,
  type TokenSource,
  type TokenTransport,
} from './options.ts';
import { CONNECTING, OPEN, type WebSocketConstructor, type WebSocketLike } from './websocket.ts';

export interface ConnectionParams {
  url: string;
  token: TokenSource | undefined;
  tokenTransport: TokenTransport;
  WebSocket: WebSocketConstructor;
  connectTimeoutMs: number;
  /** Overrides the hub's `heartbeatIntervalMs`; 0 turns the heartbeat off. */
  heartbeatIntervalMs: number | undefined;
  client: { name: string; version: string };
  /** Whether this attempt and its socket keep a Node process alive. */
  keepProcessAlive: boolean;
  /** `ws`'s permessage-deflate offer; unset leaves the constructor's default. */
  perMessageDeflate: boolean | undefined;
}

/** The parameters every attempt of one client shares (all but the URL). */
export function connectionParams(
  o: ResolvedOptions,
  WebSocket: WebSocketConstructor,
): Omit<ConnectionParams, 'url'> {
  return {
    token: o.token,
    tokenTransport: o.tokenTransport,
    WebSocket,
    connectTimeoutMs: o.connectTimeoutMs,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    client: { name: o.clientName, version: CLIENT_VERSION },
    keepProcessAlive: o.keepProcessAlive,
    perMessageDeflate: o.perMessageDeflate,
  };
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** The hub's `disconnect` frame, when it announced the close. */
  disconnect: DisconnectFrame | undefined;
}

/**
 * Callbacks of one connection. All are synchronous: `ws` emits the frames of one TCP chunk
 * in one go, so the client must have processed `welcome` before the next frame arrives.
 */
export interface ConnectionHandlers {
  welcome(welcome: WelcomeFrame): void;
  /**
   * The handshake failed; `terminal` when retrying cannot help, `reachedHub` once the socket
   * had opened (else the transport itself failed: blocked, refused, unreachable). Nothing
   * follows.
   */
  refused(error: SwitchboardError, terminal: boolean, reachedHub: boolean): void;
  frame(frame: ServerFrame): void;
  invalid(error: SwitchboardError): void;
  /** An established session ended (not called after `close()`). */
  closed(info: CloseInfo): void;
}

// Bounds `close()` when the hub never answers the closing handshake.
const CLOSE_TIMEOUT_MS = 2000;

const noop = (): void => {};

/** One WebSocket from open through `hello`/`welcome` to close. Knows no policy. */
export class Connection {
  #socket: WebSocketLike | undefined;
  #phase: 'handshake' | 'open' | 'closed' = 'handshake';
  /** The socket opened (the hub was reached), whatever the handshake's outcome. */
  #opened = false;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: Heartbeat | undefined;
  #disconnectFrame: DisconnectFrame | undefined;
  #transportError: string | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #done = deferred<void>();

  readonly #params: ConnectionParams;
  readonly #handlers: ConnectionHandlers;

  constructor(params: ConnectionParams, handlers: ConnectionHandlers) {
    this.#params = params;
    this.#handlers = handlers;
  }

  /** Starts the attempt; the outcome arrives through `welcome` or `refused`. */
  open(): void {
    // While a token is fetched nothing else may hold the process: this timer does.
    this.#handshakeTimer = unrefUnless(
      this.#params.keepProcessAlive,
      setTimeout(() => {
        const ms = this.#params.connectTimeoutMs;
        this.#refuse(new SwitchboardError(ErrorCode.TIMEOUT, `No welcome within ${ms} ms`), false);
      }, this.#params.connectTimeoutMs),
    );
    this.#start().catch((error: unknown) => {
      this.#refuse(SwitchboardError.from(error, ErrorCode.CONNECTION_CLOSED), false);
    });
  }

  /** Writes a frame; false when the socket is not open (the caller decides what to keep). */
  send(text: string): boolean {
    if (this.#phase !== 'open') return false;
    return this.#write(text);
  }

  /** Closes gracefully; resolves once the socket is closed. No handler is called after it. */
  close(code: number = CloseCode.NORMAL, reason = ''): Promise<void> {
    if (this.#phase === 'handshake') {
      this.#phase = 'closed';
      clearTimeout(this.#handshakeTimer);
      this.#discard();
    } else if (this.#phase === 'open') {
      this.#phase = 'closed';
      this.#heartbeat?.stop();
      const socket = this.#socket!;
      this.#closeTimer = unref(setTimeout(() => this.#discard(), CLOSE_TIMEOUT_MS));
      try {
        socket.close(code, reason);
      } catch {
        this.#discard();
      }
    }
    return this.#done.promise;
  }

  async #start(): Promise<void> {
    let token: string | undefined;
    try {
      const source = this.#params.token;
      token = typeof source === 'function' ? await source() : source;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#refuse(
        new SwitchboardError(ErrorCode.AUTHENTICATION_FAILED, `Token provider failed: ${message}`, {
          cause: error,
        }),
        false,
      );
      return;
    }
    if (this.#phase !== 'handshake') return;
    if (token === '') token = undefined;
    const { tokenTransport } = this.#params;
    const url = new URL(this.#params.url);
    if (token !== undefined && tokenTransport === 'query') url.searchParams.set('token', token);
    const protocols = offeredSubprotocols();
    let socket: WebSocketLike;
    const { perMessageDeflate } = this.#params;
    const header = token !== undefined && tokenTransport === 'header';
    try {
      socket =
        header || perMessageDeflate !== undefined
          ? new this.#params.WebSocket(url.href, protocols, {
              ...(header ? { headers: { Authorization: `Bearer ${token}` } } : {}),
              ...(perMessageDeflate === undefined ? {} : { perMessageDeflate }),
            })
          : new this.#params.WebSocket(url.href, protocols);
    } catch (error) {
      // A constructor that throws (bad URL, blocked port) will throw again.
      this.#refuse(SwitchboardError.from(error, ErrorCode.CONNECTION_CLOSED), true);
      return;
    }
    this.#socket = socket;
    try {
      // Browsers default to Blob, which cannot be parsed synchronously.
      socket.binaryType = 'arraybuffer';
    } catch {}
    socket.onopen = () => {
      this.#opened = true;
      if (!this.#params.keepProcessAlive) unrefSocket(socket);
      this.#hello(tokenTransport === 'hello' ? token : undefined);
    };
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onerror = (event) => {
      if (typeof event?.message === 'string' && event.message) this.#transportError = event.message;
    };
    socket.onclose = (event) => this.#onClose(event.code, event.reason);
  }

  #hello(token: string | undefined): void {
    const hello: HelloFrame = {
      type: 'hello',
      versions: [...PROTOCOL_VERSIONS],
      client: this.#params.client,
      ...(token === undefined ? {} : { token }),
    };
    this.#write(encodeFrame(hello));
  }

  #receive(data: unknown): void {
    this.#heartbeat?.touch();
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      if (this.#phase === 'open') this.#handlers.invalid(parsed.error);
      else this.#refuse(parsed.error, false);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 'ping') {
      const pong: ClientFrame = { type: 'pong', id: frame.id, ts: frame.ts };
      this.#write(encodeFrame(pong));
      return;
    }
    if (frame.type === 'disconnect') {
      this.#disconnectFrame = frame;
      return;
    }
    if (this.#phase === 'open') {
      this.#handlers.frame(frame);
    } else if (this.#phase === 'handshake') {
      if (frame.type === 'welcome') this.#accept(frame);
      else if (frame.type === 'error')
        this.#refuse(errorFromFrame(frame), isTerminalErrorCode(frame.code));
    }
  }

  #accept(welcome: WelcomeFrame): void {
    if (!(PROTOCOL_VERSIONS as readonly number[]).includes(welcome.version)) {
      const error = new SwitchboardError(
        ErrorCode.UNSUPPORTED_VERSION,
        `The hub chose protocol version ${welcome.version}; this client speaks [${PROTOCOL_VERSIONS.join(', ')}]`,
        { details: { supported: [...PROTOCOL_VERSIONS] } },
      );
      this.#refuse(error, true);
      return;
    }
    clearTimeout(this.#handshakeTimer);
    this.#phase = 'open';
    const interval = this.#params.heartbeatIntervalMs ?? welcome.heartbeatIntervalMs;
    if (interval > 0) {
      this.#heartbeat = new Heartbeat(
        interval,
        () => this.#write(encodeFrame({ type: 'ping', ts: Date.now() })),
        () => this.#die(),
      );
      this.#heartbeat.start();
    }
    this.#handlers.welcome(welcome);
  }

  #refuse(error: SwitchboardError, terminal: boolean): void {
    if (this.#phase !== 'handshake') return;
    this.#phase = 'closed';
    clearTimeout(this.#handshakeTimer);
    this.#discard();
    this.#handlers.refused(error, terminal, this.#opened);
  }

  /** The heartbeat saw nothing for two intervals: drop the socket without a handshake. */
  #die(): void {
    if (this.#phase !== 'open') return;
    this.#phase = 'closed';
    this.#discard();
    this.#handlers.closed({
      code: CloseCode.HEARTBEAT_TIMEOUT,
      reason: 'heartbeat timeout',
      disconnect: this.#disconnectFrame,
    });
  }

  #onClose(code: number, reason: string): void {
    this.#heartbeat?.stop();
    clearTimeout(this.#closeTimer);
    this.#socket = undefined;
    this.#done.resolve();
    if (this.#phase === 'handshake') {
      const failure = closeFailure(code, reason, this.#transportError);
      this.#refuse(failure.error, failure.terminal);
    } else if (this.#phase === 'open') {
      this.#phase = 'closed';
      this.#handlers.closed({ code, reason, disconnect: this.#disconnectFrame });
    }
  }

  #write(text: string): boolean {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== OPEN) return false;
    try {
      socket.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets the socket at once. Handlers become no-ops, never null: `ws` throws an
   * `error` event that has no listener. */
  #discard(): void {
    this.#heartbeat?.stop();
    clearTimeout(this.#closeTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#done.resolve();
    if (socket === undefined) return;
    socket.onopen = noop;
    socket.onmessage = noop;
    socket.onerror = noop;
    socket.onclose = noop;
    try {
      if (typeof socket.terminate === 'function') socket.terminate();
      else if (socket.readyState === CONNECTING || socket.readyState === OPEN) socket.close();
    } catch {}
  }
}
