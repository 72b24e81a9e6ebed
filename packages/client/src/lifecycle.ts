import {
  CloseCode,
  type EventFrame,
  errorFromFrame,
  HISTORY_METHOD,
  type ServerFrame,
  type StreamPosition,
  type SubscriptionOutcome,
  type SwitchboardError,
  TypedEmitter,
  type WelcomeFrame,
} from '@switchboard/protocol';
import type { ClientState, Platform } from './api.ts';
import { type Deferred, deferred, unrefUnless } from './async.ts';
import { backoffDelay } from './backoff.ts';
import { type CloseInfo, Connection } from './connection.ts';
import { Dispatcher } from './dispatcher.ts';
import { closeFailure, connectionClosed } from './errors.ts';
import type { ClientEvents } from './events.ts';
import { GapRecovery, isAlreadyDelivered } from './gap-recovery.ts';
import { idSequence } from './ids.ts';
import {
  CLIENT_VERSION,
  type ClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.ts';
import type { SessionPart } from './session-part.ts';
import { Subscriber } from './subscriber.ts';
import { TokenRefresher } from './token-refresh.ts';
import type { WebSocketConstructor } from './websocket.ts';

/**
 * The client's lifecycle: connect, reconnect with backoff, shut down, and routing of
 * inbound frames. The messaging methods are in `client.ts`; frames go out through the
 * Dispatcher and the Subscriber created here.
 */
export abstract class ClientLifecycle extends TypedEmitter<ClientEvents> {
  protected readonly options: ResolvedOptions;
  private readonly webSocket: WebSocketConstructor;
  protected readonly nextId = idSequence();
  protected readonly dispatcher: Dispatcher;
  protected readonly subscriber: Subscriber;
  /** Handlers, served calls and streams: restored and ended with the session. */
  protected readonly parts: SessionPart[] = [];
  private current: ClientState = 'idle';
  private connection: Connection | undefined;
  private welcome: WelcomeFrame | undefined;
  private lastPrincipal: { id: string } | null = null;
  /** The last event processed, sent on resubscribe so the hub can replay the gap. */
  private position: StreamPosition | undefined;
  private retries = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private lastFailure: SwitchboardError | undefined;
  private waiters: Deferred<void>[] = [];
  private readonly recovery: GapRecovery;
  private readonly refresher: TokenRefresher;

  constructor(options: ClientOptions, platform: Platform) {
    super();
    this.options = resolveOptions(options);
    const implementation = this.options.WebSocket ?? platform.defaultWebSocket;
    if (implementation === undefined) {
      throw new TypeError(
        'WSClient: this environment has no global WebSocket; pass the "WebSocket" option',
      );
    }
    const { tokenTransport, WebSocket } = this.options;
    if (tokenTransport === 'header' && WebSocket === undefined && !platform.headers) {
      throw new TypeError(
        'WSClient: option "tokenTransport" is "header" but browsers cannot set WebSocket headers; use "hello" or "query"',
      );
    }
    // Checked to be a function; its shape is the WebSocket API (see websocket.ts).
    this.webSocket = implementation as unknown as WebSocketConstructor;
    const mode = () =>
      this.current === 'connected' ? 'online' : this.current === 'closed' ? 'closed' : 'offline';
    const report = (error: SwitchboardError) => this.emit('error', error);
    this.dispatcher = new Dispatcher(
      {
        mode,
        write: (text) => this.connection?.send(text) ?? false,
        maxPayload: () => this.welcome?.maxPayload ?? 0,
        report,
      },
      this.options.offlineQueueSize,
    );
    this.subscriber = new Subscriber(this.dispatcher, {
      state: mode,
      nextId: this.nextId,
      messageTimeoutMs: () => this.options.messageTimeoutMs,
      report,
      outcomes: (outcomes, resubscribe, start) => this.onOutcomes(outcomes, resubscribe, start),
    });
    this.recovery = new GapRecovery({
      fetchHistory: (data) =>
        this.dispatcher
          .expect(
            { type: 'request', id: this.nextId(), method: HISTORY_METHOD, data },
            this.options.messageTimeoutMs,
            false,
          )
          .then((reply) => (reply.type === 'response' ? reply.data : undefined)),
      deliver: (event) => this.deliver(event),
      resync: (detail) =>
        this.emit('resync-required', {
          ...detail,
          patterns: [...this.subscriber.patterns()],
          position: this.position,
        }),
    });
    this.refresher = this.createRefresher();
  }

  private createRefresher(): TokenRefresher {
    return new TokenRefresher({
      token: () => this.options.token,
      online: () => this.current === 'connected',
      nextId: this.nextId,
      send: (frame) => this.dispatcher.expect(frame, this.options.messageTimeoutMs, false),
      refreshed: (expiresAt) => this.emit('token-refreshed', { expiresAt }),
      failed: (error, expiresAt) => {
        this.emit('token-refresh-failed', { error, expiresAt });
        this.emit('error', error);
      },
    });
  }

  get state(): ClientState {
    return this.current;
  }

  get isConnected(): boolean {
    return this.current === 'connected';
  }

  /** The hub's id for the current connection; undefined while not connected. */
  get connectionId(): string | undefined {
    return this.current === 'connected' ? this.welcome?.connectionId : undefined;
  }

  /** The principal of the last welcome; null before it and for anonymous connections. */
  get principal(): { id: string } | null {
    return this.lastPrincipal;
  }

  /** Resolves on the hub's welcome; rejects with the refusal (a SwitchboardError). */
  connect(): Promise<void> {
    if (this.current === 'connected') return Promise.resolve();
    const waiter = deferred<void>();
    this.waiters.push(waiter);
    if (this.current === 'idle' || this.current === 'closed') {
      this.retries = 0;
      this.current = 'connecting';
      this.attempt(true);
    }
    return waiter.promise;
  }

  /** Stops reconnecting, rejects everything pending with CONNECTION_CLOSED, closes. */
  async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const wasConnected = this.current === 'connected';
    if (this.current !== 'closed') this.shutdown(connectionClosed('The client disconnected'));
    if (connection !== undefined) await connection.close(CloseCode.NORMAL, 'client disconnect');
    if (wasConnected) {
      const reason = 'client disconnect';
      const { error } = closeFailure(CloseCode.NORMAL, reason);
      this.emit('disconnected', { code: CloseCode.NORMAL, reason, willReconnect: false, error });
    }
  }

  private attempt(initial: boolean): void {
    const o = this.options;
    const connection: Connection = new Connection(
      {
        url: o.url,
        token: o.token,
        tokenTransport: o.tokenTransport,
        WebSocket: this.webSocket,
        connectTimeoutMs: o.connectTimeoutMs,
        heartbeatIntervalMs: o.heartbeatIntervalMs,
        client: { name: o.clientName, version: CLIENT_VERSION },
        keepProcessAlive: o.keepProcessAlive,
      },
      {
        welcome: (welcome) => {
          if (this.connection === connection) this.onWelcome(welcome);
        },
        refused: (error, terminal) => {
          if (this.connection === connection) this.onRefused(error, terminal, initial);
        },
        frame: (frame) => {
          if (this.connection === connection) this.onFrame(frame);
        },
        invalid: (error) => {
          if (this.connection === connection) this.emit('error', error);
        },
        closed: (info) => {
          if (this.connection === connection) this.onClosed(info);
        },
      },
    );
    this.connection = connection;
    connection.open();
  }

  private onWelcome(welcome: WelcomeFrame): void {
    this.refresher.reset();
    this.welcome = welcome;
    this.lastPrincipal = welcome.principal;
    this.retries = 0;
    this.lastFailure = undefined;
    this.current = 'connected';
    // Resubscribe first, then what was in flight, then the offline queue: the hub handles
    // one connection's frames in order, so queued publishes see the subscriptions.
    this.subscriber.resubscribe(this.position);
    for (const part of this.parts) part.restore();
    this.dispatcher.flush();
    const waiters = this.waiters;
    this.waiters = [];
    this.emit('connected', welcome);
    if (welcome.principal !== null) this.emit('authenticated', welcome.principal);
    for (const waiter of waiters) waiter.resolve();
  }

  private onRefused(error: SwitchboardError, terminal: boolean, initial: boolean): void {
    this.connection = undefined;
    this.lastFailure = error;
    if (initial) {
      // A first connect that fails is the caller's to retry: no loop behind its back.
      this.shutdown(connectionClosed(`Could not connect: ${error.message}`, error), error);
    } else if (terminal) {
      this.shutdown(connectionClosed(`Reconnect refused: ${error.message}`, error));
      this.emit('error', error);
      this.emit('reconnect-failed', { attempts: this.retries, error });
    } else {
      this.scheduleReconnect();
    }
  }

  private onClosed(info: CloseInfo): void {
    this.connection = undefined;
    this.recovery.reset();
    this.refresher.reset();
    const failure = closeFailure(info.code, info.reason);
    // An expired token comes back only from a token function: a fixed string would be refused.
    const expiredForGood =
      info.code === CloseCode.TOKEN_EXPIRED && typeof this.options.token !== 'function';
    const terminal = failure.terminal || info.disconnect?.reconnect === false || expiredForGood;
    const retry = this.options.reconnect && !terminal;
    const willReconnect = retry && this.options.maxReconnectAttempts > 0;
    const error = connectionClosed(failure.error.message, failure.error);
    const event = { code: info.code, reason: info.reason, willReconnect, error: failure.error };
    if (!willReconnect) {
      this.shutdown(error);
      this.emit('disconnected', event);
      if (retry) this.emit('reconnect-failed', { attempts: 0, error: failure.error });
      return;
    }
    this.lastFailure = failure.error;
    this.dispatcher.dropped(error);
    this.subscriber.dropped(error);
    for (const part of this.parts) part.ended(error, false);
    this.current = 'reconnecting';
    this.emit('disconnected', event);
    // A listener may have called disconnect() meanwhile.
    if (this.current === 'reconnecting' && this.connection === undefined) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retries >= this.options.maxReconnectAttempts) {
      const attempts = this.retries;
      const message = `Gave up reconnecting after ${attempts} attempts`;
      this.shutdown(connectionClosed(message, this.lastFailure));
      this.emit('reconnect-failed', { attempts, error: this.lastFailure });
      return;
    }
    const delayMs = backoffDelay(this.retries, this.options);
    this.retries += 1;
    this.current = 'reconnecting';
    // Ref'd by default: a process whose only work is this client must survive a hub restart.
    this.reconnectTimer = unrefUnless(
      this.options.keepProcessAlive,
      setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.current === 'reconnecting' && this.connection === undefined) this.attempt(false);
      }, delayMs),
    );
    this.emit('reconnecting', { attempt: this.retries, delayMs });
  }

  /** The client gives up: state `closed`, every waiting caller rejected. */
  private shutdown(error: SwitchboardError, connectError: SwitchboardError = error): void {
    this.current = 'closed';
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    void connection?.close();
    this.dispatcher.rejectAll(error);
    this.subscriber.rejectAll(error);
    for (const part of this.parts) part.ended(error, true);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(connectError);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ack':
      case 'response':
        this.dispatcher.settle(frame);
        break;
      case 'pong':
        this.dispatcher.settle(frame);
        this.emit('pong', frame);
        break;
      case 'message':
        this.onMessage(frame.data);
        break;
      case 'error':
        if (!this.dispatcher.settle(frame)) this.emit('error', errorFromFrame(frame));
        break;
      case 'event':
        this.onEvent(frame);
        break;
      case 'dropped':
        this.emit('dropped', frame);
        this.recovery.onDropped(frame);
        break;
      case 'refresh-required':
        this.refresher.onRefreshRequired(frame);
        break;
      case 'unsubscribed': {
        const { type: _type, ...info } = frame;
        this.subscriber.ended(
          frame.topics,
          errorFromFrame({ code: frame.code, message: frame.reason }),
        );
        this.emit('unsubscribed', info);
        break;
      }
      default:
        // welcome, ping and disconnect belong to the connection; the rest to the parts.
        for (const part of this.parts) if (part.frame(frame)) break;
        break;
    }
  }

  /** An application message from `server.sendMessage` or `server.broadcast`. */
  private onMessage(message: unknown): void {
    this.emit('message', message);
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !Array.isArray(message)) this.emit(`message:${type}`, message);
  }

  private onEvent(frame: EventFrame): void {
    this.recovery.onEvent(frame);
  }

  /** Hands an event to the application once, tracking the position for resume. */
  private deliver(frame: EventFrame): void {
    const position = this.position;
    if (isAlreadyDelivered(frame, position)) return;
    if (
      position === undefined ||
      position.epoch !== frame.epoch ||
      frame.offset > position.offset
    ) {
      this.position = { epoch: frame.epoch, offset: frame.offset };
    }
    this.emit('event', frame);
    this.emit(`event:${frame.topic}`, frame);
  }

  private onOutcomes(
    subscriptions: SubscriptionOutcome[],
    resubscribe: boolean,
    start: StreamPosition | undefined,
  ): void {
    const position = this.position;
    // Without a position in this epoch, the stream starts where the subscription did, so a
    // reconnect before the first event still replays what was missed.
    if (start !== undefined && (position === undefined || position.epoch !== start.epoch)) {
      this.position = start;
    }
    this.emit('subscribed', { subscriptions, resubscribe });
    const lost = subscriptions.filter((outcome) => outcome.wasRecovering && !outcome.recovered);
    if (lost.length === 0) return;
    const epochChanged =
      position !== undefined && start !== undefined && position.epoch !== start.epoch;
    this.emit('resync-required', {
      reason: epochChanged ? 'epoch-changed' : 'history-exhausted',
      patterns: lost.map((outcome) => outcome.pattern),
      position,
    });
  }
}
