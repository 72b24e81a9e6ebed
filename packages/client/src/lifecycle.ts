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
} from '@switchboard/protocol/wire';
import type { ClientState, Platform } from './api.ts';
import { type Deferred, deferred, unrefUnless } from './async.ts';
import { backoffDelay } from './backoff.ts';
import { type CloseInfo, Connection, connectionParams } from './connection.ts';
import { Dispatcher } from './dispatcher.ts';
import { closeFailure, connectionClosed } from './errors.ts';
import type { ClientEvents } from './events.ts';
import { GapRecovery, isAlreadyDelivered, unrecovered } from './gap-recovery.ts';
import { HubUrls, movesOnAtOnce } from './hub-urls.ts';
import { idSequence } from './ids.ts';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import type { SessionPart } from './session-part.ts';
import { Subscriber } from './subscriber.ts';
import { TokenRefresher } from './token-refresh.ts';
import { chooseTransports, type TransportChoice } from './transport-choice.ts';

/**
 * The client's lifecycle: connect, reconnect with backoff, shut down, and routing of
 * inbound frames. The messaging methods are in `client.ts`; frames go out through the
 * Dispatcher and the Subscriber created here.
 */
export abstract class ClientLifecycle extends TypedEmitter<ClientEvents> {
  protected readonly options: ResolvedOptions;
  readonly #transports: TransportChoice;
  protected readonly nextId = idSequence();
  protected readonly dispatcher: Dispatcher;
  protected readonly subscriber: Subscriber;
  /** Handlers, served calls and streams: restored and ended with the session. */
  protected readonly parts: SessionPart[] = [];
  #current: ClientState = 'idle';
  #connection: Connection | undefined;
  #welcome: WelcomeFrame | undefined;
  #lastPrincipal: { id: string } | null = null;
  /** The last event processed, sent on resubscribe so the hub can replay the gap. */
  #position: StreamPosition | undefined;
  #retries = 0;
  /** URLs tried by the first connect so far: it tries each once before it rejects. */
  #firstTries = 0;
  readonly #hubs: HubUrls;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #lastFailure: SwitchboardError | undefined;
  #waiters: Deferred<void>[] = [];
  readonly #recovery: GapRecovery;
  readonly #refresher: TokenRefresher;

  constructor(options: ClientOptions, platform: Platform) {
    super();
    this.options = resolveOptions(options);
    this.#hubs = new HubUrls(this.options.urls);
    this.#transports = chooseTransports(this.options, platform);
    const { tokenTransport, WebSocket } = this.options;
    const canSendHeaders =
      platform.headers || WebSocket !== undefined || this.options.transport === 'sse';
    if (tokenTransport === 'header' && !canSendHeaders) {
      throw new TypeError(
        'WSClient: option "tokenTransport" is "header" but browsers cannot set WebSocket headers; use "hello" or "query" (or transport "sse")',
      );
    }
    if (this.options.perMessageDeflate === false && WebSocket === undefined && !platform.headers) {
      throw new TypeError(
        'WSClient: option "perMessageDeflate" is false but browsers always offer permessage-deflate; leave it unset',
      );
    }
    const mode = () =>
      this.#current === 'connected' ? 'online' : this.#current === 'closed' ? 'closed' : 'offline';
    const report = (error: SwitchboardError) => this.emit('error', error);
    this.dispatcher = new Dispatcher(
      {
        mode,
        write: (text) => this.#connection?.send(text) ?? false,
        maxPayload: () => this.#welcome?.maxPayload ?? 0,
        report,
      },
      this.options.offlineQueueSize,
    );
    this.subscriber = new Subscriber(this.dispatcher, {
      state: mode,
      nextId: this.nextId,
      messageTimeoutMs: () => this.options.messageTimeoutMs,
      report,
      outcomes: (outcomes, resubscribe, start) => this.#onOutcomes(outcomes, resubscribe, start),
    });
    this.#recovery = new GapRecovery({
      fetchHistory: (data) =>
        this.dispatcher
          .expect(
            { type: 'request', id: this.nextId(), method: HISTORY_METHOD, data },
            this.options.messageTimeoutMs,
            false,
          )
          .then((reply) => (reply.type === 'response' ? reply.data : undefined)),
      deliver: (event) => this.#deliver(event),
      resync: (detail) =>
        this.emit('resync-required', {
          ...detail,
          patterns: [...this.subscriber.patterns()],
          position: this.#position,
        }),
    });
    this.#refresher = this.#createRefresher();
  }

  #createRefresher(): TokenRefresher {
    return new TokenRefresher({
      token: () => this.options.token,
      online: () => this.#current === 'connected',
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
    return this.#current;
  }

  get isConnected(): boolean {
    return this.#current === 'connected';
  }

  /** The hub URL of the current connection or, while not connected, of the next attempt. */
  get url(): string {
    return this.#hubs.current;
  }

  /** The hub's id for the current connection; undefined while not connected. */
  get connectionId(): string | undefined {
    return this.#current === 'connected' ? this.#welcome?.connectionId : undefined;
  }

  /** The principal of the last welcome; null before it and for anonymous connections. */
  get principal(): { id: string } | null {
    return this.#lastPrincipal;
  }

  /** Resolves on the hub's welcome; rejects with the refusal (a SwitchboardError). */
  connect(): Promise<void> {
    if (this.#current === 'connected') return Promise.resolve();
    const waiter = deferred<void>();
    this.#waiters.push(waiter);
    if (this.#current === 'idle' || this.#current === 'closed') {
      this.#retries = 0;
      this.#firstTries = 0;
      this.#current = 'connecting';
      this.#attempt(true);
    }
    return waiter.promise;
  }

  /** Stops reconnecting, rejects everything pending with CONNECTION_CLOSED, closes. */
  async disconnect(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    const wasConnected = this.#current === 'connected';
    if (this.#current !== 'closed') this.#shutdown(connectionClosed('The client disconnected'));
    if (connection !== undefined) await connection.close(CloseCode.NORMAL, 'client disconnect');
    if (wasConnected) {
      const reason = 'client disconnect';
      const { error } = closeFailure(CloseCode.NORMAL, reason);
      this.emit('disconnected', { code: CloseCode.NORMAL, reason, willReconnect: false, error });
    }
  }

  #attempt(initial: boolean): void {
    const connection: Connection = new Connection(
      { ...connectionParams(this.options, this.#transports.current), url: this.#hubs.current },
      {
        welcome: (welcome) => {
          if (this.#connection === connection) this.#onWelcome(welcome);
        },
        refused: (error, terminal, reachedHub) => {
          if (this.#connection !== connection) return;
          // A WebSocket that could not even open: the HTTP fallback, at once (`'auto'`).
          if (!reachedHub && this.#transports.unreachable()) this.#attempt(initial);
          else this.#onRefused(error, terminal, initial);
        },
        frame: (frame) => {
          if (this.#connection === connection) this.#onFrame(frame);
        },
        invalid: (error) => {
          if (this.#connection === connection) this.emit('error', error);
        },
        closed: (info) => {
          if (this.#connection === connection) this.#onClosed(info);
        },
      },
    );
    this.#connection = connection;
    connection.open();
  }

  #onWelcome(welcome: WelcomeFrame): void {
    this.#refresher.reset();
    this.#welcome = welcome;
    this.#lastPrincipal = welcome.principal;
    this.#retries = 0;
    this.#lastFailure = undefined;
    this.#current = 'connected';
    this.#transports.connected(this.#hubs.current, () => this.#moveToWebSocket());
    // Resubscribe first, then what was in flight, then the offline queue: the hub handles
    // one connection's frames in order, so queued publishes see the subscriptions.
    this.subscriber.resubscribe(this.#position);
    for (const part of this.parts) part.restore();
    this.dispatcher.flush();
    const waiters = this.#waiters;
    this.#waiters = [];
    this.emit('connected', welcome);
    if (welcome.principal !== null) this.emit('authenticated', welcome.principal);
    for (const waiter of waiters) waiter.resolve();
  }

  #onRefused(error: SwitchboardError, terminal: boolean, initial: boolean): void {
    this.#connection = undefined;
    this.#lastFailure = error;
    this.#hubs.advance();
    if (initial && !terminal && ++this.#firstTries < this.#hubs.size) {
      // Another node of the hub may answer: the first connect tries each URL once.
      this.#attempt(true);
    } else if (initial) {
      // A first connect that fails is the caller's to retry: no loop behind its back.
      this.#shutdown(connectionClosed(`Could not connect: ${error.message}`, error), error);
    } else if (terminal) {
      this.#shutdown(connectionClosed(`Reconnect refused: ${error.message}`, error));
      this.emit('error', error);
      this.emit('reconnect-failed', { attempts: this.#retries, error });
    } else {
      this.#scheduleReconnect();
    }
  }

  /** A probe WebSocket opened while on the HTTP fallback: reconnect over WebSocket now. */
  #moveToWebSocket(): void {
    const connection = this.#connection;
    if (this.#current !== 'connected' || connection === undefined) return;
    this.#connection = undefined;
    const reason = 'moving to WebSocket';
    void connection.close(CloseCode.GOING_AWAY, reason);
    this.#onClosed({ code: CloseCode.GOING_AWAY, reason, disconnect: undefined }, true);
  }

  /** `transportMove`: the same hub over another transport, at once. */
  #onClosed(info: CloseInfo, transportMove = false): void {
    this.#transports.stopProbing();
    this.#connection = undefined;
    this.#recovery.reset();
    this.#refresher.reset();
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
      this.#shutdown(error);
      this.emit('disconnected', event);
      if (retry) this.emit('reconnect-failed', { attempts: 0, error: failure.error });
      return;
    }
    this.#lastFailure = failure.error;
    this.dispatcher.dropped(error);
    this.subscriber.dropped(error);
    for (const part of this.parts) part.ended(error, false);
    this.#current = 'reconnecting';
    // Nodes of one hub share the log: the next one resumes where this one left off.
    const atOnce = transportMove || movesOnAtOnce(info, this.#hubs);
    if (!transportMove) this.#hubs.advance();
    this.emit('disconnected', event);
    // A listener may have called disconnect() meanwhile.
    if (this.#current === 'reconnecting' && !this.#connection) this.#scheduleReconnect(atOnce);
  }

  /** `atOnce`: the node said it is going away and another URL is left, so no backoff. */
  #scheduleReconnect(atOnce = false): void {
    if (this.#retries >= this.options.maxReconnectAttempts) {
      const attempts = this.#retries;
      const message = `Gave up reconnecting after ${attempts} attempts`;
      this.#shutdown(connectionClosed(message, this.#lastFailure));
      this.emit('reconnect-failed', { attempts, error: this.#lastFailure });
      return;
    }
    const delayMs = atOnce ? 0 : backoffDelay(this.#retries, this.options);
    this.#retries += 1;
    this.#current = 'reconnecting';
    // Ref'd by default: a process whose only work is this client must survive a hub restart.
    this.#reconnectTimer = unrefUnless(
      this.options.keepProcessAlive,
      setTimeout(() => {
        this.#reconnectTimer = undefined;
        if (this.#current === 'reconnecting' && this.#connection === undefined)
          this.#attempt(false);
      }, delayMs),
    );
    this.emit('reconnecting', { attempt: this.#retries, delayMs, url: this.#hubs.current });
  }

  /** The client gives up: state `closed`, every waiting caller rejected. */
  #shutdown(error: SwitchboardError, connectError: SwitchboardError = error): void {
    this.#current = 'closed';
    this.#transports.stopProbing();
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    void connection?.close();
    this.dispatcher.rejectAll(error);
    this.subscriber.rejectAll(error);
    for (const part of this.parts) part.ended(error, true);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(connectError);
  }

  #onFrame(frame: ServerFrame): void {
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
        this.#onMessage(frame.data);
        break;
      case 'error':
        if (!this.dispatcher.settle(frame)) this.emit('error', errorFromFrame(frame));
        break;
      case 'event':
        this.#onEvent(frame);
        break;
      case 'dropped':
        this.emit('dropped', frame);
        this.#recovery.onDropped(frame);
        break;
      case 'refresh-required':
        this.#refresher.onRefreshRequired(frame);
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
  #onMessage(message: unknown): void {
    this.emit('message', message);
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !Array.isArray(message)) this.emit(`message:${type}`, message);
  }

  #onEvent(frame: EventFrame): void {
    this.#recovery.onEvent(frame);
  }

  /** Hands an event to the application once, tracking the position for resume. */
  #deliver(frame: EventFrame): void {
    const position = this.#position;
    if (isAlreadyDelivered(frame, position)) return;
    if (position !== undefined && position.epoch !== frame.epoch) {
      // The hub's log was reset under a live connection (e.g. a Redis without persistence
      // restarted): what was between the position and the reset may be gone. Say so.
      const patterns = [...this.subscriber.patterns()];
      this.emit('resync-required', { reason: 'epoch-changed', patterns, position });
    }
    if (position?.epoch !== frame.epoch || frame.offset > position.offset) {
      this.#position = { epoch: frame.epoch, offset: frame.offset };
    }
    this.emit('event', frame);
    this.emit(`event:${frame.topic}`, frame);
  }

  #onOutcomes(
    subscriptions: SubscriptionOutcome[],
    resubscribe: boolean,
    start: StreamPosition | undefined,
  ): void {
    const position = this.#position;
    // Without a position in this epoch, the stream starts where the subscription did, so a
    // reconnect before the first event still replays what was missed.
    if (start !== undefined && (position === undefined || position.epoch !== start.epoch)) {
      this.#position = start;
    }
    this.emit('subscribed', { subscriptions, resubscribe });
    const resync = unrecovered(subscriptions, position, start);
    if (resync !== undefined) this.emit('resync-required', resync);
  }
}
