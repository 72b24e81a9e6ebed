import {
  type ClientFrame,
  ErrorCode,
  type ErrorFrame,
  encodeFrame,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import { deferred } from './async.ts';
import { Outbox, type OutboxItem } from './outbox.ts';
import { PendingReplies, type ReplyFrame } from './pending.ts';

/** What the dispatcher needs from the client that owns it. */
export interface DispatcherHost {
  /** `online` writes now, `offline` queues, `closed` rejects with NOT_CONNECTED. */
  mode(): 'online' | 'offline' | 'closed';
  /** Writes to the current socket; false when it is not open. */
  write(text: string): boolean;
  /** The hub's `maxPayload` from welcome; 0 for no limit. */
  maxPayload(): number;
  /** Errors nobody awaits, emitted as the client's `error` event. */
  report(error: SwitchboardError): void;
}

/**
 * Every outbound frame goes through here: written at once when online, queued while
 * offline, retried or rejected when the socket drops, and matched with its reply.
 */
/** Request ids given up recently whose late answers are dropped quietly (bounded). */
const REMEMBERED_ABANDONED = 1_024;

export class Dispatcher {
  readonly #pending = new PendingReplies();
  readonly #outbox: Outbox;
  /** Oldest first; see `ignoreLate`. */
  readonly #abandoned = new Set<string>();

  readonly #host: DispatcherHost;
  readonly #queueSize: number;

  constructor(host: DispatcherHost, queueSize: number) {
    this.#host = host;
    this.#queueSize = queueSize;
    this.#outbox = new Outbox(queueSize);
  }

  /** Sends now, queues while offline, or rejects (client closed, queue full). */
  dispatch(item: OutboxItem): boolean {
    const mode = this.#host.mode();
    if (mode === 'online') {
      this.write(item);
      return true;
    }
    if (mode === 'offline' && this.#outbox.enqueue(item)) return true;
    const error =
      mode === 'closed'
        ? notConnected()
        : new SwitchboardError(
            ErrorCode.QUEUE_FULL,
            `The offline queue is full (${this.#queueSize} frames)`,
            { details: { offlineQueueSize: this.#queueSize } },
          );
    item.reply?.reject(error);
    // A full queue is worth an event even when a caller gets the rejection: it means the
    // application produces faster than the hub is reachable.
    if (error.code === ErrorCode.QUEUE_FULL || item.reply === undefined) this.#host.report(error);
    return false;
  }

  /**
   * Dispatches a frame and resolves with its reply. `retryOnDrop` resends it with the same
   * id after a reconnect; otherwise a drop rejects it with CONNECTION_CLOSED. `onReply`
   * runs synchronously on the reply, before any later frame is handled; `onTimeout` after the
   * caller was rejected with TIMEOUT.
   */
  expect(
    frame: ClientFrame & { id: string },
    timeoutMs: number,
    retryOnDrop: boolean,
    onReply?: (reply: ReplyFrame) => void,
    onTimeout?: () => void,
  ): Promise<ReplyFrame> {
    if (this.#pending.has(frame.id)) {
      return Promise.reject(
        new SwitchboardError(
          ErrorCode.INVALID_MESSAGE,
          `A frame with id "${frame.id}" is already waiting for its reply`,
        ),
      );
    }
    const reply = deferred<ReplyFrame>();
    this.dispatch({
      frame,
      reply: {
        frame,
        timeoutMs,
        resolve: (answer) => {
          onReply?.(answer);
          reply.resolve(answer);
        },
        reject: reply.reject,
        onDrop: (error) => {
          if (!retryOnDrop) reply.reject(error);
          return retryOnDrop;
        },
        ...(onTimeout === undefined ? {} : { onTimeout }),
      },
    });
    return reply.promise;
  }

  /**
   * Writes a frame that takes something back (unsubscribe, unhandle) and resolves on its ack,
   * or when the socket drops first: a new connection does not get back what it takes back.
   */
  withdraw(frame: ClientFrame & { id: string }, timeoutMs: number): Promise<void> {
    const done = deferred<void>();
    this.write({
      frame,
      reply: {
        frame,
        timeoutMs,
        resolve: () => done.resolve(),
        reject: done.reject,
        onDrop: () => {
          done.resolve();
          return false;
        },
      },
    });
    return done.promise;
  }

  /**
   * Stops waiting for the reply to `id` and rejects its caller with `error`: `sent` when the
   * frame was on the wire (the hub may be working on it), `queued` when it never left.
   */
  abandon(id: string, error: SwitchboardError): 'sent' | 'queued' | undefined {
    const sent = this.#pending.forget(id);
    if (sent !== undefined) {
      this.ignoreLate(id);
      sent.reject(error);
      return 'sent';
    }
    const queued = this.#outbox.remove(id);
    if (queued === undefined) return undefined;
    queued.reply?.reject(error);
    return 'queued';
  }

  /** Writes to the socket now (the caller checked that the client is online). */
  write(item: OutboxItem): void {
    const text = encodeFrame(item.frame);
    const error = this.#payloadRefusal(text, item.frame.type);
    if (error !== undefined) {
      // Sending it would make the hub close the socket, and every retry would do it again.
      if (item.reply !== undefined) item.reply.reject(error);
      else this.#host.report(error);
      return;
    }
    const sent = this.#host.write(text);
    // A tracked frame that could not be written is settled by the close that must follow.
    if (item.reply !== undefined) this.#pending.track(item.reply);
    else if (!sent) this.#outbox.enqueue(item);
  }

  /**
   * Writes a frame of a call under way to the current socket, never queued (a call dies with
   * its connection): the PAYLOAD_TOO_LARGE refusal when it exceeds the hub's `maxPayload`.
   */
  writeNow(frame: ClientFrame): SwitchboardError | undefined {
    const text = encodeFrame(frame);
    const error = this.#payloadRefusal(text, frame.type);
    if (error === undefined) this.#host.write(text);
    return error;
  }

  #payloadRefusal(text: string, type: string): SwitchboardError | undefined {
    const maxPayload = this.#host.maxPayload();
    if (maxPayload === 0 || !tooLarge(text, maxPayload)) return undefined;
    return new SwitchboardError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The ${type} frame is larger than the hub's maxPayload of ${maxPayload} bytes`,
      { details: { maxPayload } },
    );
  }

  /**
   * Drops the answer to `id` quietly should it still come: its caller gave up (a cancel, or
   * its own timeout racing the hub's), so a late error is no news for the `error` event.
   */
  ignoreLate(id: string): void {
    this.#abandoned.add(id);
    if (this.#abandoned.size > REMEMBERED_ABANDONED) {
      const oldest = this.#abandoned.values().next().value;
      if (oldest !== undefined) this.#abandoned.delete(oldest);
    }
  }

  /** Settles the caller waiting for this reply; false when nobody waits for it. */
  settle(frame: ReplyFrame | ErrorFrame): boolean {
    if (this.#pending.settle(frame)) return true;
    return frame.id !== undefined && this.#abandoned.delete(frame.id);
  }

  /** The socket dropped and the client will reconnect: keep what can be retried. */
  dropped(error: SwitchboardError): void {
    this.#outbox.retry(this.#pending.drop(error));
  }

  /** Connected again: what was in flight goes first, then the offline queue, in order. */
  flush(): void {
    for (const item of this.#outbox.drain()) this.write(item);
  }

  rejectAll(error: SwitchboardError): void {
    this.#pending.rejectAll(error);
    this.#outbox.rejectAll(error);
  }
}

export function notConnected(): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.NOT_CONNECTED,
    'The client is closed; call connect() first',
  );
}

/** UTF-8 size check without encoding: a UTF-16 unit is 1 to 3 bytes, a pair 4. */
export function tooLarge(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes > maxBytes;
}
