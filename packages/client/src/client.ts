import {
  assertTopic,
  type ClientFrame,
  ErrorCode,
  MAX_ID_LENGTH,
  type PublishFrame,
  parseClientFrame,
  type SubscribeFrame,
  type SubscriptionOutcome,
  SwitchboardError,
} from '@switchboard/protocol';
import type {
  OutgoingFrame,
  PublishOptions,
  PublishResult,
  RequestOptions,
  SubscribeOptions,
} from './api.ts';
import { messageId } from './ids.ts';
import { ClientLifecycle } from './lifecycle.ts';
import type { PendingReply, ReplyFrame } from './pending.ts';

/**
 * The whole client except the choice of WebSocket implementation, so that this file runs
 * in browsers: `index.ts` and `browser.ts` export it as `WSClient`. The lifecycle
 * (connect, reconnect, disconnect) is in `lifecycle.ts`; this file holds the messaging API.
 */
export class ClientCore extends ClientLifecycle {
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

  /** Calls a route handler on the hub and resolves with its response data. */
  async request<T = unknown>(
    method: string,
    data?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    const reply = await this.sendAndWait({ type: 'request', method, data }, options.timeout);
    return (reply.type === 'response' ? reply.data : undefined) as T;
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
      prepared = this.prepare(frame, true) as ClientFrame & { id: string };
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
    const prepared = this.prepare(frame, false);
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
  private prepare(frame: OutgoingFrame, needsId: boolean): ClientFrame {
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
