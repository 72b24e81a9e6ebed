import { randomUUID } from 'node:crypto';
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ClientFrame,
  CloseCode,
  ErrorCode,
  encodeFrame,
  errorFrame,
  negotiateVersion,
  PROTOCOL_VERSIONS,
  parseClientFrame,
  SwitchboardError,
  selectSubprotocol,
  versionFromSubprotocol,
} from '@switchboard/protocol';
import type WebSocket from 'ws';
import { type RawData, WebSocketServer } from 'ws';
import { type ClientInfo, Connection } from './connection.ts';
import { FlushScheduler } from './flush-scheduler.ts';
import type { FrameHandler, RoutedFrame } from './frame-handler.ts';
import { type HealthReport, handleHttpEndpoint, type StatsReport } from './http-endpoints.ts';
import { HubEmitter } from './hub-emitter.ts';
import { InboundThrottle } from './inbound-throttle.ts';
import {
  isLoopbackHost,
  type ResolvedServerOptions,
  resolveServerOptions,
  type WSServerOptions,
} from './options.ts';
import { DEFAULT_OUTBOUND_LIMITS } from './outbound-queue.ts';
import { toPrincipal } from './principal.ts';
import { tokenFromRequest } from './token.ts';
import { SERVER_VERSION } from './version.ts';

export interface WSServerEvents {
  listening: (address: { host: string; port: number }) => void;
  /** A socket was accepted; it is not authenticated yet. */
  connection: (client: ClientInfo) => void;
  /** Handshake and authentication finished; the client got its welcome. */
  authenticated: (client: ClientInfo) => void;
  disconnection: (client: ClientInfo, code: number, reason: string) => void;
  /** Every valid frame from an authenticated client, before it is routed. */
  message: (client: ClientInfo, frame: ClientFrame) => void;
  /** A client sent something the hub refused (the client got an `error` frame). */
  'client-error': (client: ClientInfo, error: SwitchboardError) => void;
  error: (error: Error) => void;
}

/** Frames a connection may queue while its authentication is still running. */
const MAX_PENDING_FRAMES = 1_000;

/**
 * The WebSocket hub server: upgrade, subprotocol and version negotiation, authentication,
 * heartbeat, limits, graceful shutdown and the HTTP endpoints. Routing lives in WSRouter.
 */
export class WSServer extends HubEmitter<WSServerEvents> {
  readonly options: ResolvedServerOptions;
  readonly #http: HttpServer;
  readonly #ownsHttp: boolean;
  readonly #wss: WebSocketServer;
  readonly #connections = new Map<string, Connection>();
  #handler: FrameHandler | undefined;
  readonly #scheduler: FlushScheduler;
  readonly #throttle: InboundThrottle;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #pendingUpgrades = 0;
  #startedAt = Date.now();
  #started: Promise<void> | undefined;
  #shutdown: Promise<void> | undefined;
  #closedMessagesIn = 0;
  #closedMessagesOut = 0;

  constructor(options: WSServerOptions = {}) {
    super();
    this.options = resolveServerOptions(options);
    this.#scheduler = new FlushScheduler(this.options.flushSliceMs);
    this.#throttle = new InboundThrottle(this.#scheduler);
    this.#ownsHttp = options.server === undefined;
    this.#http = options.server ?? createServer();
    this.#wss = new WebSocketServer({
      noServer: true,
      // Messages between maxPayload and this hard cap get a PAYLOAD_TOO_LARGE frame before
      // the close; beyond it `ws` closes with 1009 without buffering the rest.
      maxPayload: this.options.maxPayload * 2,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered) => this.#pickSubprotocol(offered),
    });
    this.#http.on('upgrade', this.#onUpgrade);
    if (this.#ownsHttp && this.options.httpEndpoints) {
      this.#http.on('request', (request, response) => {
        if (!this.handleHttpRequest(request, response)) {
          response.writeHead(404, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ code: ErrorCode.NOT_FOUND, message: 'Not found' }));
        }
      });
    }
  }

  /** The bound port (after `start()`). */
  get port(): number {
    const address = this.#http.address() as AddressInfo | null;
    return address?.port ?? 0;
  }

  /** `ws://host:port` of the running server. */
  get url(): string {
    const address = this.#http.address() as AddressInfo | null;
    const host =
      address?.family === 'IPv6' ? `[${address.address}]` : (address?.address ?? this.options.host);
    return `ws://${host}:${this.port}${this.options.path ?? ''}`;
  }

  get isShuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  /** Resolves once the server is listening. */
  start(): Promise<void> {
    this.#started ??= this.#listen().then(() => {
      this.#startedAt = Date.now();
      this.#heartbeat = setInterval(() => this.#beat(), this.options.heartbeatInterval);
      this.#heartbeat.unref();
      const address = this.#http.address() as AddressInfo;
      this.emit('listening', { host: address.address, port: address.port });
    });
    return this.#started;
  }

  /** Registers the router that handles subscribe, unsubscribe, publish and request frames. */
  attach(handler: FrameHandler): void {
    if (this.#handler && this.#handler !== handler) {
      throw new TypeError('A router is already attached to this WSServer');
    }
    this.#handler = handler;
  }

  getConnectedClients(): ClientInfo[] {
    const clients: ClientInfo[] = [];
    for (const connection of this.#connections.values()) {
      if (connection.state === 'open') clients.push(connection.info());
    }
    return clients;
  }

  getClient(clientId: string): ClientInfo | undefined {
    return this.#connections.get(clientId)?.info();
  }

  /** For the router: the live connection behind a client id. */
  getConnection(clientId: string): Connection | undefined {
    return this.#connections.get(clientId);
  }

  /** Sends a frame to every authenticated client; returns how many got it. */
  broadcast(message: object): number {
    const text = JSON.stringify(message);
    let sent = 0;
    for (const connection of this.#connections.values()) {
      if (connection.isOpen && connection.sendRaw(text)) sent += 1;
    }
    return sent;
  }

  /** Sends a frame to one client; false when it is not connected. */
  sendMessage(clientId: string, message: object): boolean {
    const connection = this.#connections.get(clientId);
    return connection?.isOpen === true && connection.sendRaw(JSON.stringify(message));
  }

  /** Closes one client with close code 4006 (it will not reconnect on its own). */
  disconnectClient(clientId: string, reason = 'Disconnected by server'): boolean {
    const connection = this.#connections.get(clientId);
    if (!connection || connection.state === 'closed') return false;
    connection.close(CloseCode.KICKED, reason);
    return true;
  }

  /** Serves `/health` and `/stats` on a server you own; returns false for other requests. */
  handleHttpRequest(request: IncomingMessage, response: ServerResponse): boolean {
    return handleHttpEndpoint(this, request, response);
  }

  health(): HealthReport {
    return {
      status: this.isShuttingDown ? 'shutting-down' : 'ok',
      name: this.options.name,
      connections: this.#connections.size,
      uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
    };
  }

  stats(): StatsReport {
    let messagesIn = this.#closedMessagesIn;
    let messagesOut = this.#closedMessagesOut;
    for (const connection of this.#connections.values()) {
      messagesIn += connection.messagesIn;
      messagesOut += connection.messagesOut;
    }
    const router = this.#handler?.stats();
    return {
      connections: this.#connections.size,
      subscriptions: router?.subscriptions ?? 0,
      topics: router?.topics ?? 0,
      messagesIn,
      messagesOut,
      published: router?.published ?? 0,
      delivered: router?.delivered ?? 0,
      dropped: router?.dropped ?? 0,
      pausedReads: this.#throttle.paused,
      readPauses: this.#throttle.pauses,
    };
  }

  /**
   * Stops accepting, tells every client to reconnect elsewhere, lets queued frames flush and
   * closes with 1001; sockets still open after `timeoutMs` are cut. Resolves when all is closed.
   */
  shutdown(timeoutMs: number = this.options.shutdownTimeout): Promise<void> {
    this.#shutdown ??= this.#drain(timeoutMs);
    return this.#shutdown;
  }

  // ---- internals --------------------------------------------------------------------------

  async #listen(): Promise<void> {
    if (!this.options.authenticate && !this.options.allowAnonymous) {
      const host = this.#ownsHttp ? this.options.host : undefined;
      if (host !== undefined && !isLoopbackHost(host)) {
        throw new TypeError(
          `WSServer without "authenticate" only allows anonymous clients on loopback; host "${host}" needs "authenticate" or "allowAnonymous: true"`,
        );
      }
    }
    if (!this.#ownsHttp) {
      if (!this.#http.listening) {
        await new Promise<void>((resolve) => this.#http.once('listening', resolve));
      }
      this.#checkAttachedAddress();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#http.once('error', onError);
      this.#http.listen(this.options.port, this.options.host, () => {
        this.#http.off('error', onError);
        resolve();
      });
    });
  }

  #checkAttachedAddress(): void {
    if (this.options.authenticate || this.options.allowAnonymous) return;
    const address = this.#http.address() as AddressInfo | null;
    if (address && !isLoopbackHost(address.address)) {
      throw new TypeError(
        `WSServer without "authenticate" only allows anonymous clients on loopback; the attached server listens on ${address.address}`,
      );
    }
  }

  #pickSubprotocol(offered: Set<string>): string | false {
    const supported = selectSubprotocol(offered);
    if (supported) return supported;
    // Accept an unsupported Switchboard version so the refusal can be explained in-band
    // (UNSUPPORTED_VERSION frame + close 4003) instead of a failed handshake.
    for (const name of offered) if (versionFromSubprotocol(name) !== undefined) return name;
    return false;
  }

  readonly #onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (this.options.path !== undefined && path !== this.options.path) {
      // On a shared server other upgrade handlers may own this path.
      if (this.#ownsHttp) rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (this.#shutdown) {
      rejectUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    if (this.#connections.size + this.#pendingUpgrades >= this.options.maxConnections) {
      rejectUpgrade(socket, 503, 'Service Unavailable', 'Too many connections');
      return;
    }
    this.#pendingUpgrades += 1;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        this.#pendingUpgrades -= 1;
      }
    };
    socket.once('close', settle);
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      settle();
      socket.off('close', settle);
      this.#onConnection(ws, request);
    });
  };

  #onConnection(ws: WebSocket, request: IncomingMessage): void {
    const connection = new Connection(
      randomUUID(),
      ws,
      request.socket.remoteAddress,
      this.#handler?.outboundLimits ?? DEFAULT_OUTBOUND_LIMITS,
      this.#scheduler,
    );
    // Only what authentication needs is kept, and only until the handshake ends.
    connection.handshake = { headers: request.headers, url: request.url ?? '/' };
    connection.onDrop = this.#onDrop;
    this.#connections.set(connection.id, connection);
    // Shared listeners (no closures per connection): the socket knows its connection.
    (ws as SocketWithConnection)[CONNECTION] = connection;
    ws.on('message', this.#socketListeners.message);
    ws.on('pong', this.#socketListeners.pong);
    ws.on('close', this.#socketListeners.close);
    ws.on('error', this.#socketListeners.error);
    connection.authTimer = setTimeout(() => {
      if (connection.state === 'handshaking' || connection.state === 'authenticating') {
        this.#refuse(
          connection,
          new SwitchboardError(
            ErrorCode.AUTHENTICATION_TIMEOUT,
            `Handshake and authentication did not finish within ${this.options.authTimeout} ms`,
          ),
          CloseCode.AUTHENTICATION_TIMEOUT,
        );
      }
    }, this.options.authTimeout);
    connection.authTimer.unref();
    this.emit('connection', connection.info());

    const offeredVersion = ws.protocol ? versionFromSubprotocol(ws.protocol) : undefined;
    if (offeredVersion !== undefined && !negotiateVersion([offeredVersion]).ok) {
      const negotiation = negotiateVersion([offeredVersion]);
      if (!negotiation.ok)
        this.#refuse(connection, negotiation.error, CloseCode.UNSUPPORTED_VERSION);
    }
  }

  readonly #onDrop = (connection: Connection, topic: string, offset: number): void => {
    this.#handler?.handleDrop(connection, topic, offset);
  };

  readonly #socketListeners = createSocketListeners({
    message: (connection, data, isBinary) => this.#onMessage(connection, data, isBinary),
    close: (connection, code, reason) => this.#onClose(connection, code, reason),
    error: (connection, error) =>
      // ws closes the socket itself (e.g. 1009 past the hard payload cap); just report.
      this.emit('client-error', connection.info(), SwitchboardError.from(error)),
  });

  #onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    connection.alive = true;
    connection.messagesIn += 1;
    if (connection.state === 'closing' || connection.state === 'closed') return;
    const size = rawSize(data);
    if (size > this.options.maxPayload) {
      const error = new SwitchboardError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `Message of ${size} bytes exceeds maxPayload of ${this.options.maxPayload} bytes`,
        { details: { maxPayload: this.options.maxPayload } },
      );
      this.#refuse(connection, error, CloseCode.MESSAGE_TOO_BIG);
      return;
    }
    const parsed = parseClientFrame(isBinary ? data : data.toString());
    if (!parsed.ok) {
      this.#reject(connection, parsed.error, parsed.id);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 'ping') {
      connection.send({
        type: 'pong',
        ...(frame.id ? { id: frame.id } : {}),
        ...(frame.ts === undefined ? {} : { ts: frame.ts }),
      });
      return;
    }
    if (frame.type === 'pong') return;
    switch (connection.state) {
      case 'handshaking':
        this.#handshake(connection, frame);
        return;
      case 'authenticating':
        if (frame.type === 'auth' && connection.awaitingAuthFrame) {
          connection.awaitingAuthFrame = false;
          this.#authenticate(connection, frame.token, 'frame', frame.id);
        } else if (frame.type === 'hello' || frame.type === 'auth') {
          this.#reject(
            connection,
            new SwitchboardError(
              ErrorCode.INVALID_MESSAGE,
              `Unexpected ${frame.type} frame: the handshake is already under way`,
            ),
            frame.type === 'auth' ? frame.id : undefined,
          );
        } else if ((connection.pending?.length ?? 0) >= MAX_PENDING_FRAMES) {
          this.#reject(
            connection,
            new SwitchboardError(
              ErrorCode.RATE_LIMITED,
              `More than ${MAX_PENDING_FRAMES} frames sent before authentication finished`,
            ),
            frame.id,
          );
        } else {
          connection.pending ??= [];
          connection.pending.push(frame);
        }
        return;
      case 'open':
        this.#dispatch(connection, frame);
        this.#throttle.afterFrame(connection.socket);
        return;
    }
  }

  #handshake(connection: Connection, frame: ClientFrame): void {
    let version: number;
    let frameToken: string | undefined;
    let authFrameId: string | undefined;
    if (frame.type === 'hello') {
      const negotiation = negotiateVersion(frame.versions);
      if (!negotiation.ok) {
        this.#refuse(connection, negotiation.error, CloseCode.UNSUPPORTED_VERSION);
        return;
      }
      version = negotiation.version;
      frameToken = frame.token;
    } else {
      // No hello: the subprotocol (or v1) fixes the version; the frame itself is kept.
      version =
        (connection.socket.protocol && versionFromSubprotocol(connection.socket.protocol)) ||
        PROTOCOL_VERSIONS[0];
      if (frame.type === 'auth') {
        frameToken = frame.token;
        authFrameId = frame.id;
      } else {
        connection.pending ??= [];
        connection.pending.push(frame);
      }
    }
    connection.protocolVersion = version;
    connection.state = 'authenticating';
    if (!this.options.authenticate) {
      connection.principal = { id: connection.id };
      this.#welcome(connection, authFrameId);
      return;
    }
    if (frameToken !== undefined) {
      this.#authenticate(connection, frameToken, 'frame', authFrameId);
      return;
    }
    const carried = connection.handshake && tokenFromRequest(connection.handshake);
    if (carried) {
      this.#authenticate(connection, carried.token, carried.transport, undefined);
      return;
    }
    // Wait for an `auth` frame until authTimeout.
    connection.awaitingAuthFrame = true;
  }

  #authenticate(
    connection: Connection,
    token: string,
    transport: 'frame' | 'header' | 'query',
    authFrameId: string | undefined,
  ): void {
    const authenticate = this.options.authenticate!;
    const metadata = {
      connectionId: connection.id,
      remoteAddress: connection.remoteAddress,
      headers: connection.handshake?.headers ?? {},
      url: connection.handshake?.url ?? '/',
      transport,
    };
    Promise.resolve()
      .then(() => authenticate(token, metadata))
      .then((result) => {
        if (connection.state !== 'authenticating') return;
        if (result === false || result === undefined || result === null) {
          throw new SwitchboardError(
            ErrorCode.AUTHENTICATION_FAILED,
            'Authentication failed: token refused',
          );
        }
        connection.principal = toPrincipal(result, connection.id);
        if (typeof result === 'object' && typeof result.id === 'string') {
          connection.dedupeScope = result.id;
        }
        this.#welcome(connection, authFrameId);
      })
      .catch((error: unknown) => {
        if (connection.state !== 'authenticating') return;
        const failure =
          error instanceof SwitchboardError && error.code !== ErrorCode.INTERNAL_ERROR
            ? new SwitchboardError(ErrorCode.AUTHENTICATION_FAILED, error.message)
            : new SwitchboardError(ErrorCode.AUTHENTICATION_FAILED, 'Authentication failed');
        if (!(error instanceof SwitchboardError) || error.code === ErrorCode.INTERNAL_ERROR) {
          this.emit('error', error instanceof Error ? error : new Error(String(error)));
        }
        this.#refuse(connection, failure, CloseCode.AUTHENTICATION_FAILED, authFrameId);
      });
  }

  #welcome(connection: Connection, authFrameId: string | undefined): void {
    clearTimeout(connection.authTimer);
    connection.authTimer = undefined;
    connection.handshake = undefined;
    connection.state = 'open';
    connection.send({
      type: 'welcome',
      version: connection.protocolVersion ?? PROTOCOL_VERSIONS[0],
      connectionId: connection.id,
      principal: connection.principal ? { id: connection.principal.id } : null,
      epoch: this.#handler?.epoch ?? 'none',
      heartbeatIntervalMs: this.options.heartbeatInterval,
      maxPayload: this.options.maxPayload,
      server: { name: this.options.name, version: SERVER_VERSION },
    });
    if (authFrameId !== undefined) connection.send({ type: 'ack', id: authFrameId, ok: true });
    this.emit('authenticated', connection.info());
    const queued = connection.pending ?? [];
    connection.pending = undefined;
    for (const frame of queued) {
      if (connection.state !== 'open') break;
      this.#dispatch(connection, frame);
    }
  }

  #dispatch(connection: Connection, frame: ClientFrame): void {
    if (frame.type === 'hello' || frame.type === 'auth') {
      this.#reject(
        connection,
        new SwitchboardError(
          ErrorCode.INVALID_MESSAGE,
          `Unexpected ${frame.type} frame: this connection is already authenticated`,
        ),
        frame.type === 'auth' ? frame.id : undefined,
      );
      return;
    }
    if (frame.type === 'ping' || frame.type === 'pong') return;
    if (this.listenerCount('message') > 0) this.emit('message', connection.info(), frame);
    if (!this.#handler) {
      this.#reject(
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
      this.#handler.handleFrame(connection, frame as RoutedFrame);
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
      this.#reject(
        connection,
        new SwitchboardError(ErrorCode.INTERNAL_ERROR, 'Internal error'),
        frame.id,
      );
    }
  }

  /** Answers a bad frame with an error; the connection stays open. */
  #reject(connection: Connection, error: SwitchboardError, id: string | undefined): void {
    connection.send(errorFrame(error, id));
    this.emit('client-error', connection.info(), error);
  }

  /** Answers with an error and closes the connection. */
  #refuse(connection: Connection, error: SwitchboardError, closeCode: number, id?: string): void {
    this.#reject(connection, error, id);
    connection.close(closeCode, `${error.code}: ${error.message}`);
  }

  #onClose(connection: Connection, code: number, reason: string): void {
    connection.state = 'closed';
    clearTimeout(connection.authTimer);
    connection.handshake = undefined;
    connection.pending = undefined;
    connection.release();
    this.#connections.delete(connection.id);
    this.#closedMessagesIn += connection.messagesIn;
    this.#closedMessagesOut += connection.messagesOut;
    try {
      this.#handler?.handleClose(connection);
    } catch (error) {
      this.emit('error', error instanceof Error ? error : new Error(String(error)));
    }
    this.emit('disconnection', connection.info(), code, reason);
  }

  #beat(): void {
    for (const connection of this.#connections.values()) {
      if (!connection.alive) {
        // The peer missed a whole interval: it is gone or frozen. No close handshake can work.
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      try {
        connection.socket.ping();
      } catch {
        connection.socket.terminate();
      }
    }
  }

  async #drain(timeoutMs: number): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    const httpClosed =
      this.#ownsHttp && this.#http.listening
        ? new Promise<void>((resolve) => this.#http.close(() => resolve()))
        : Promise.resolve();
    const closed = [...this.#connections.values()].map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.state === 'closed') return resolve();
          connection.socket.once('close', () => resolve());
          connection.sendRaw(
            encodeFrame({
              type: 'disconnect',
              code: CloseCode.GOING_AWAY,
              reason: 'Server shutting down',
              reconnect: true,
            }),
          );
          connection.close(CloseCode.GOING_AWAY, 'Server shutting down');
        }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(closed), deadline]);
    clearTimeout(timer);
    for (const connection of this.#connections.values()) connection.socket.terminate();
    await Promise.all(closed);
    this.#http.off('upgrade', this.#onUpgrade);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await httpClosed;
  }
}

const CONNECTION = Symbol('switchboard.connection');
type SocketWithConnection = WebSocket & { [CONNECTION]: Connection };

interface SocketHandlers {
  message(connection: Connection, data: RawData, isBinary: boolean): void;
  close(connection: Connection, code: number, reason: string): void;
  error(connection: Connection, error: Error): void;
}

/** One set of `ws` listeners for every socket; `this` is the socket. */
function createSocketListeners(handlers: SocketHandlers) {
  return {
    message(this: WebSocket, data: RawData, isBinary: boolean): void {
      handlers.message((this as SocketWithConnection)[CONNECTION], data, isBinary);
    },
    pong(this: WebSocket): void {
      (this as SocketWithConnection)[CONNECTION].alive = true;
    },
    close(this: WebSocket, code: number, reason: Buffer): void {
      handlers.close((this as SocketWithConnection)[CONNECTION], code, reason.toString());
    },
    error(this: WebSocket, error: Error): void {
      handlers.error((this as SocketWithConnection)[CONNECTION], error);
    },
  };
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return (data as Buffer | ArrayBuffer).byteLength;
}

function rejectUpgrade(socket: Duplex, status: number, text: string, body = text): void {
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
