import {
  assertTopic,
  CALL_TRAFFIC_TYPES,
  type ClientFrame,
  ErrorCode,
  MAX_ID_LENGTH,
  type PublishFrame,
  parseClientFrame,
  type RequestFrame,
  type SubscribeFrame,
  type SubscriptionOutcome,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import type {
  HandleOptions,
  Handler,
  HandlerRegistration,
  OutgoingFrame,
  Platform,
  PublishOptions,
  PublishResult,
  RequestOptions,
  RequestStream,
  StreamRequestOptions,
  SubscribeOptions,
} from './api.ts';
import { CallStreams } from './call-stream.ts';
import { Handlers } from './handlers.ts';
import { messageId } from './ids.ts';
import { ClientLifecycle } from './lifecycle.ts';
import type { ClientOptions } from './options.ts';
import type { PendingReply, ReplyFrame } from './pending.ts';
import { cancelled, checkCallOptions, timeoutField } from './request-options.ts';
import { ServedCalls } from './served-calls.ts';

/** Chunks a stream lets the handler send ahead of the application by default. */
const DEFAULT_CREDIT = 16;

/**
 * The whole client except the choice of WebSocket implementation, so that this file runs
 * in browsers: `index.ts` and `browser.ts` export it as `WSClient`. The lifecycle
 * (connect, reconnect, disconnect) is in `lifecycle.ts`; this file holds the messaging API.
 */
export class ClientCore extends ClientLifecycle {
  readonly #handlers: Handlers;
  readonly #streams = new CallStreams();

  constructor(options: ClientOptions, platform: Platform) {
    super(options, platform);
    const mode = () =>
      this.state === 'connected' ? 'online' : this.state === 'closed' ? 'closed' : 'offline';
    this.#handlers = new Handlers(this.dispatcher, {
      state: mode,
      nextId: this.nextId,
      messageTimeoutMs: () => this.options.messageTimeoutMs,
      report: (error) => this.emit('error', error),
    });
    const served = new ServedCalls({
      handlerOf: (method) => this.#handlers.handlerOf(method),
      write: (frame) => this.dispatcher.writeNow(frame),
    });
    this.parts.push(this.#handlers, served, this.#streams);
  }

  /** The patterns this client is subscribed to, or will subscribe to when it connects. */
  get subscriptions(): ReadonlySet<string> {
    return this.subscriber.patterns();
  }

  /** Resolves with the hub's outcome per pattern, once every pattern is acked. */
  async subscribe(
    topics: string | string[],
    options: SubscribeOptions = {},
  ): Promise<SubscriptionOutcome[]> {
    return this.subscriber.subscribe(topics, options.since);
  }

  async unsubscribe(topics: string | string[]): Promise<void> {
    return this.subscriber.unsubscribe(topics);
  }

  /**
   * Resolves once the hub stored the message. Retried with the same id across reconnects.
   * The third argument may be the seed API's `broadcast` flag: `true` (the default) delivers
   * to every subscriber, this client included; `false` to every subscriber but this client
   * (`{ echo: false }`).
   */
  async publish(
    topic: string,
    data: unknown,
    optionsOrBroadcast: PublishOptions | boolean = {},
  ): Promise<PublishResult> {
    const options = publishOptions(optionsOrBroadcast);
    assertTopic(topic);
    const id = options.id ?? messageId();
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
      const message = `Option "id" must be 1 to ${MAX_ID_LENGTH} characters`;
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, message);
    }
    const frame: PublishFrame = { type: 'publish', id, topic, data };
    if (options.echo !== undefined && typeof options.echo !== 'boolean') {
      throw new TypeError('publish: option "echo" must be a boolean');
    }
    if (options.echo !== undefined) frame.echo = options.echo;
    const ack = await this.dispatcher.expect(frame, this.options.messageTimeoutMs, true);
    if (ack.type !== 'ack') {
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, `Publish "${id}" got a ${ack.type}`);
    }
    const { offset, sequenceNumber, epoch, duplicate = false } = ack;
    if (offset === undefined || sequenceNumber === undefined || epoch === undefined) {
      const message = `The hub acked publish "${id}" without offset, sequenceNumber and epoch`;
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, message);
    }
    return { offset, sequenceNumber, epoch, duplicate };
  }

  /**
   * Calls a route handler on the hub or a method a client serves, and resolves with the
   * answer. A handler that streams answers with its last item.
   */
  async request<T = unknown>(
    method: string,
    data?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    const timeoutMs = checkCallOptions('request', options, this.options.messageTimeoutMs);
    const { signal } = options;
    if (signal?.aborted) throw cancelled(signal.reason);
    const frame = this.#prepare(
      { type: 'request', method, data, ...timeoutField(timeoutMs) },
      true,
    ) as RequestFrame;
    const reply = this.#callOnce(frame, timeoutMs);
    if (signal === undefined) return ((await reply) as { data?: unknown }).data as T;
    const onAbort = () => this.#abandon(frame.id, cancelled(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return ((await reply) as { data?: unknown }).data as T;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Calls a method whose handler streams its answer: the items come in order, and the
   * handler runs at most `credit` items ahead of what you consumed. An answer of one value
   * is one item. `break` (or `cancel()`) cancels the call; a failure is thrown after the
   * items that came before it.
   */
  requestStream<T = unknown>(
    method: string,
    data?: unknown,
    options: StreamRequestOptions = {},
  ): RequestStream<T> {
    const timeoutMs = checkCallOptions('requestStream', options, Number.POSITIVE_INFINITY);
    const credit = options.credit ?? DEFAULT_CREDIT;
    if (!Number.isInteger(credit) || credit < 1 || credit > 65_536) {
      throw new TypeError('requestStream: option "credit" must be an integer from 1 to 65536');
    }
    const { signal } = options;
    const frame = this.#prepare(
      { type: 'request', method, data, credit, ...timeoutField(timeoutMs) },
      true,
    ) as RequestFrame;
    const stream = this.#streams.open<T>(frame.id, credit, {
      credit: (id, more) => this.dispatcher.writeNow({ type: 'credit', id, credit: more }),
      cancel: (id) => this.#abandon(id, cancelled(signal?.reason)),
      release: (id) => this.dispatcher.abandon(id, cancelled(undefined)),
    });
    if (signal?.aborted) {
      stream.fail(cancelled(signal.reason));
      return stream;
    }
    const onAbort = () => {
      stream.fail(cancelled(signal?.reason));
      this.#abandon(frame.id, cancelled(signal?.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#callOnce(frame, timeoutMs).then(
      (reply) => {
        signal?.removeEventListener('abort', onAbort);
        stream.push((reply as { data?: unknown }).data as T);
        stream.end();
      },
      (error: SwitchboardError) => {
        signal?.removeEventListener('abort', onAbort);
        stream.fail(error);
      },
    );
    return stream;
  }

  /**
   * Serves `method` for other clients, which call it through the hub with `request` or
   * `requestStream`. The registration is part of the session: it is made again after every
   * reconnect. Needs `serve` rights on the hub (the JWT claim `sw.srv`).
   */
  handle(method: string, handler: Handler, options?: HandleOptions): HandlerRegistration {
    return this.#handlers.handle(method, handler, options);
  }

  /**
   * Sends a request and waits for its one answer. The hub ends the call at the same deadline
   * (the request carries it), so a timeout here sends no cancel; the hub's own TIMEOUT, racing
   * this one, is dropped quietly.
   */
  #callOnce(frame: RequestFrame, timeoutMs: number): Promise<ReplyFrame> {
    return this.dispatcher.expect(frame, timeoutMs, false, undefined, () =>
      this.dispatcher.ignoreLate(frame.id),
    );
  }

  /** Gives up a request: rejects it, and cancels it at the hub when it was sent. */
  #abandon(id: string, error: SwitchboardError): void {
    if (this.dispatcher.abandon(id, error) === 'sent') {
      this.dispatcher.writeNow({ type: 'cancel', id });
    }
  }

  /**
   * Sends a raw frame (an id is assigned when missing) and resolves with the ack, response
   * or pong that answers it. Requests in flight when the socket drops reject with
   * CONNECTION_CLOSED, since a handler may already have run; other frames are sent again,
   * with the same id, after the reconnect.
   */
  sendAndWait(frame: OutgoingFrame, timeout?: number): Promise<ReplyFrame> {
    let prepared: ClientFrame & { id: string };
    try {
      if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
        throw new TypeError('sendAndWait: timeout must be a positive number of ms');
      }
      const type = (frame as { type?: unknown } | null)?.type;
      // Nothing answers the frames of a call under way.
      if (typeof type === 'string' && CALL_TRAFFIC_TYPES.has(type)) {
        const message = `A ${type} frame is not answered: send it with send()`;
        throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, message);
      }
      prepared = this.#prepare(frame, true) as ClientFrame & { id: string };
    } catch (error) {
      return Promise.reject(error);
    }
    if (prepared.type === 'unsubscribe') this.subscriber.forget(prepared.topics);
    const onReply =
      prepared.type === 'subscribe'
        ? (reply: ReplyFrame) => this.subscriber.adopt(prepared as SubscribeFrame, reply)
        : undefined;
    const timeoutMs = timeout ?? this.options.messageTimeoutMs;
    return this.dispatcher.expect(prepared, timeoutMs, prepared.type !== 'request', onReply);
  }

  /**
   * Fire-and-forget. Queued while offline; false when it was dropped (queue full, client
   * closed), which is also emitted as `error`. Throws on an invalid frame.
   */
  send(frame: OutgoingFrame): boolean {
    const prepared = this.#prepare(frame, false);
    let reply: PendingReply | undefined;
    if (prepared.type === 'unsubscribe') this.subscriber.forget(prepared.topics);
    if (prepared.type === 'subscribe') {
      // Tracked so that the ack adds the patterns to what a reconnect restores.
      const tracked = prepared as SubscribeFrame & { id: string };
      reply = {
        frame: tracked,
        timeoutMs: this.options.messageTimeoutMs,
        resolve: (ack) => this.subscriber.adopt(tracked, ack),
        reject: (error) => this.emit('error', error),
        onDrop: () => true,
      };
    }
    return this.dispatcher.dispatch({ frame: prepared, reply });
  }
  /** Validates a raw frame and gives it an id when it needs one. */
  #prepare(frame: OutgoingFrame, needsId: boolean): ClientFrame {
    const type = (frame as { type?: unknown } | null)?.type;
    if (type === 'hello' || type === 'auth') {
      throw new SwitchboardError(ErrorCode.INVALID_MESSAGE, `The client sends "${type}" itself`);
    }
    const wantsId = needsId || type === 'publish' || type === 'request' || type === 'subscribe';
    const candidate =
      wantsId && frame.id === undefined
        ? { ...frame, id: type === 'publish' ? messageId() : this.nextId() }
        : frame;
    const parsed = parseClientFrame(candidate);
    if (!parsed.ok) throw parsed.error;
    return parsed.frame;
  }
}

/** The third argument of `publish`: options, or the seed API's `broadcast` flag. */
function publishOptions(value: PublishOptions | boolean | undefined): PublishOptions {
  if (typeof value === 'boolean') return { echo: value };
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('publish: the third argument must be an options object or a boolean');
  }
  return value;
}
