import type { IncomingMessage } from 'node:http';
import {
  type ClientFrame,
  CloseCode,
  ErrorCode,
  type EventFrame,
  encodeFrame,
  type HelloFrame,
  matches,
  negotiateVersion,
  type PublishFrame,
  parseClientFrame,
  type ServerFrame,
  type SubscribeFrame,
  selectSubprotocol,
} from '@switchboard/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * Just enough of a Switchboard hub to test the client against real sockets. Not the real
 * server (packages/server has its own integration tests with this client); test only.
 */
export interface FakeHubOptions {
  /** Accepted tokens and the principal id each one stands for; others are refused. */
  tokens?: Record<string, string>;
  /** Without a token in hello, query or header, wait for an `auth` frame. */
  requireAuth?: boolean;
  /** @default 1000 */
  authTimeoutMs?: number;
  /** @default [1] */
  versions?: number[];
  /** Refuse bad tokens with a bare close 4001, no error frame first. */
  closeOnlyOnRefusal?: boolean;
  /** @default 0 (the client's heartbeat off unless it sets its own) */
  heartbeatIntervalMs?: number;
  /** @default 0 (no limit) */
  maxPayload?: number;
  /** Route handlers; one returning HANG never answers. */
  methods?: Record<string, (data: unknown) => unknown>;
  /** `expiresAt` in the ack of an in-band `auth` refresh. */
  refreshExpiresAt?: number;
  /** Connections (by index, from 0) that go silent after their welcome. */
  silent?: (index: number) => boolean;
  /** @default 0 (a free port); a fixed one lets a test restart a hub at the same URL */
  port?: number;
}

export const HANG = Symbol('hang');

export interface HubConnection {
  readonly index: number;
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  readonly frames: ClientFrame[];
  readonly subscriptions: Set<string>;
  principal: string | null;
  welcomed: boolean;
}

interface Stored {
  id: string;
  topic: string;
  data: unknown;
  offset: number;
  sequenceNumber: number;
  timestamp: number;
}

export class FakeHub {
  readonly connections: HubConnection[] = [];
  readonly epoch = 'epoch-1';
  /** Store publishes and fan them out, but do not ack them. */
  holdPublishAcks = false;
  private readonly log: Stored[] = [];
  private readonly byId = new Map<string, Stored>();
  private readonly sequences = new Map<string, number>();

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly options: FakeHubOptions,
  ) {
    wss.on('connection', (socket, request) => this.accept(socket, request));
  }

  static async start(options: FakeHubOptions = {}): Promise<FakeHub> {
    const wss = new WebSocketServer({
      port: options.port ?? 0,
      host: '127.0.0.1',
      handleProtocols: (offered) => selectSubprotocol(offered) ?? false,
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new FakeHub(wss, options);
  }

  get url(): string {
    const address = this.wss.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `ws://127.0.0.1:${address.port}`;
  }

  /** Frames received on one connection, handshake included. */
  framesOf(index: number): ClientFrame[] {
    return this.connections[index]?.frames ?? [];
  }

  /** Kills every socket without a closing handshake, like a crashed process. */
  dropAll(): void {
    for (const connection of this.connections) connection.socket.terminate();
  }

  /** Graceful shutdown as the real hub does it: a `disconnect` frame, then close 1001. */
  announceShutdown(reconnect: boolean): void {
    for (const connection of this.connections) {
      this.sendTo(connection, {
        type: 'disconnect',
        code: CloseCode.GOING_AWAY,
        reason: 'shutting down',
        reconnect,
      });
      connection.socket.close(CloseCode.GOING_AWAY, 'shutting down');
    }
  }

  broadcast(frame: ServerFrame): void {
    for (const connection of this.connections) this.sendTo(connection, frame);
  }

  /** Stops accepting connections and kills the open ones. */
  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const connection: HubConnection = {
      index: this.connections.length,
      socket,
      request,
      frames: [],
      subscriptions: new Set(),
      principal: null,
      welcomed: false,
    };
    this.connections.push(connection);
    let authTimer: ReturnType<typeof setTimeout> | undefined;
    socket.on('close', () => clearTimeout(authTimer));
    socket.on('message', (data) => {
      const parsed = parseClientFrame(data);
      if (!parsed.ok) {
        this.sendTo(connection, {
          type: 'error',
          code: parsed.error.code,
          message: parsed.error.message,
        });
        return;
      }
      const frame = parsed.frame;
      connection.frames.push(frame);
      if (connection.welcomed) {
        if (!this.options.silent?.(connection.index)) this.handle(connection, frame);
        return;
      }
      if (frame.type === 'hello') {
        const token = frame.token ?? this.tokenFromRequest(request);
        if (!this.versionAgreed(connection, frame)) return;
        if (token !== undefined) {
          this.authenticate(connection, token);
        } else if (this.options.requireAuth) {
          authTimer = setTimeout(() => {
            this.refuse(
              connection,
              ErrorCode.AUTHENTICATION_TIMEOUT,
              CloseCode.AUTHENTICATION_TIMEOUT,
            );
          }, this.options.authTimeoutMs ?? 1000);
        } else {
          this.welcome(connection);
        }
      } else if (frame.type === 'auth') {
        clearTimeout(authTimer);
        this.authenticate(connection, frame.token);
      }
    });
  }

  private tokenFromRequest(request: IncomingMessage): string | undefined {
    const query = new URL(request.url ?? '/', 'http://hub').searchParams.get('token');
    if (query) return query;
    const header = request.headers.authorization;
    return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  }

  private versionAgreed(connection: HubConnection, hello: HelloFrame): boolean {
    const agreed = negotiateVersion(hello.versions, this.options.versions ?? [1]);
    if (agreed.ok) return true;
    this.sendTo(connection, {
      type: 'error',
      code: ErrorCode.UNSUPPORTED_VERSION,
      message: agreed.error.message,
      details: { supported: agreed.supported },
    });
    connection.socket.close(CloseCode.UNSUPPORTED_VERSION, 'unsupported version');
    return false;
  }

  private authenticate(connection: HubConnection, token: string): void {
    const tokens = this.options.tokens;
    const principal = tokens === undefined ? token : tokens[token];
    if (principal === undefined) {
      this.refuse(connection, ErrorCode.AUTHENTICATION_FAILED, CloseCode.AUTHENTICATION_FAILED);
      return;
    }
    connection.principal = principal;
    this.welcome(connection);
  }

  private refuse(connection: HubConnection, code: ErrorCode, closeCode: number): void {
    if (!this.options.closeOnlyOnRefusal) {
      this.sendTo(connection, { type: 'error', code, message: `refused: ${code}` });
    }
    connection.socket.close(closeCode, code);
  }

  private welcome(connection: HubConnection): void {
    connection.welcomed = true;
    this.sendTo(connection, {
      type: 'welcome',
      version: 1,
      connectionId: `conn-${connection.index}`,
      principal: connection.principal === null ? null : { id: connection.principal },
      epoch: this.epoch,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 0,
      maxPayload: this.options.maxPayload ?? 0,
      server: { name: 'fake-hub', version: '0.0.0' },
    });
  }

  private handle(connection: HubConnection, frame: ClientFrame): void {
    switch (frame.type) {
      case 'subscribe':
        this.subscribe(connection, frame);
        break;
      case 'unsubscribe':
        for (const pattern of frame.topics) connection.subscriptions.delete(pattern);
        if (frame.id !== undefined)
          this.sendTo(connection, { type: 'ack', id: frame.id, ok: true });
        break;
      case 'publish':
        this.publish(connection, frame);
        break;
      case 'request': {
        const handler = this.options.methods?.[frame.method];
        if (handler === undefined) {
          this.sendTo(connection, {
            type: 'error',
            id: frame.id,
            code: ErrorCode.NOT_FOUND,
            message: `No handler for "${frame.method}"`,
          });
          break;
        }
        const data = handler(frame.data);
        if (data !== HANG) this.sendTo(connection, { type: 'response', id: frame.id, data });
        break;
      }
      case 'ping':
        this.sendTo(connection, { type: 'pong', id: frame.id, ts: frame.ts });
        break;
      case 'auth':
        this.refresh(connection, frame.id ?? '', frame.token);
        break;
      default:
        break;
    }
  }

  /** An in-band refresh: a known token for the same principal is acked, anything else refused. */
  private refresh(connection: HubConnection, id: string, token: string): void {
    const principal = this.options.tokens?.[token] ?? (this.options.tokens ? undefined : token);
    if (principal === undefined || principal !== connection.principal) {
      this.sendTo(connection, {
        type: 'error',
        id,
        code: ErrorCode.AUTHENTICATION_FAILED,
        message: 'refused: AUTHENTICATION_FAILED',
      });
      return;
    }
    const expiresAt = this.options.refreshExpiresAt;
    this.sendTo(connection, { type: 'ack', id, ok: true, ...(expiresAt ? { expiresAt } : {}) });
  }

  private subscribe(connection: HubConnection, frame: SubscribeFrame): void {
    if (frame.topics.some((pattern) => pattern.startsWith('forbidden'))) {
      this.sendTo(connection, {
        type: 'error',
        id: frame.id,
        code: ErrorCode.FORBIDDEN,
        message: 'not allowed',
      });
      return;
    }
    for (const pattern of frame.topics) connection.subscriptions.add(pattern);
    // As the real hub: asking for history at all (position or since) is recovering.
    const recovering = frame.position !== undefined || frame.since !== undefined;
    // The fake keeps all history, so only a position from another epoch cannot be recovered.
    const recovered =
      frame.position !== undefined ? frame.position.epoch === this.epoch : recovering;
    let after: number | undefined;
    if (frame.position !== undefined) {
      if (recovered) after = frame.position.offset;
    } else if (typeof frame.since === 'number') after = frame.since;
    const replay = after === undefined ? [] : this.log.filter((m) => m.offset > after);
    const outcomes = frame.topics.map((pattern) => {
      const matching = replay.filter((m) => matches(pattern, m.topic));
      return { pattern, wasRecovering: recovering, recovered, replayed: matching.length };
    });
    if (frame.id !== undefined) {
      this.sendTo(connection, { type: 'ack', id: frame.id, ok: true, subscriptions: outcomes });
    }
    for (const message of replay) {
      if (frame.topics.some((pattern) => matches(pattern, message.topic))) {
        this.sendTo(connection, { ...this.eventOf(message), replay: true });
      }
    }
  }

  private publish(connection: HubConnection, frame: PublishFrame): void {
    const existing = this.byId.get(frame.id);
    const stored = existing ?? this.store(frame);
    if (existing === undefined) {
      for (const target of this.connections) {
        if (target === connection && frame.echo === false) continue;
        if (!target.welcomed || target.socket.readyState !== target.socket.OPEN) continue;
        if ([...target.subscriptions].some((pattern) => matches(pattern, frame.topic))) {
          this.sendTo(target, this.eventOf(stored));
        }
      }
      if (this.holdPublishAcks) return;
    }
    if (frame.ack === false) return;
    this.sendTo(connection, {
      type: 'ack',
      id: frame.id,
      ok: true,
      offset: stored.offset,
      sequenceNumber: stored.sequenceNumber,
      epoch: this.epoch,
      duplicate: existing !== undefined,
    });
  }

  private store(frame: PublishFrame): Stored {
    const sequenceNumber = (this.sequences.get(frame.topic) ?? 0) + 1;
    this.sequences.set(frame.topic, sequenceNumber);
    const stored: Stored = {
      id: frame.id,
      topic: frame.topic,
      data: frame.data,
      offset: this.log.length + 1,
      sequenceNumber,
      timestamp: Date.now(),
    };
    this.log.push(stored);
    this.byId.set(frame.id, stored);
    return stored;
  }

  private eventOf(message: Stored): EventFrame {
    return {
      type: 'event',
      id: message.id,
      topic: message.topic,
      data: message.data,
      sequenceNumber: message.sequenceNumber,
      offset: message.offset,
      epoch: this.epoch,
      timestamp: message.timestamp,
    };
  }

  private sendTo(connection: HubConnection, frame: ServerFrame): void {
    if (connection.socket.readyState === connection.socket.OPEN) {
      connection.socket.send(encodeFrame(frame));
    }
  }
}
