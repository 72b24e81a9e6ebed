import {
  type ClientFrame,
  ErrorCode,
  type ErrorFrame,
  encodeFrame,
  SwitchboardError,
} from '@switchboard/protocol';
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
export class Dispatcher {
  private readonly pending = new PendingReplies();
  private readonly outbox: Outbox;

  constructor(
    private readonly host: DispatcherHost,
    private readonly queueSize: number,
  ) {
    this.outbox = new Outbox(queueSize);
  }

  /** Sends now, queues while offline, or rejects (client closed, queue full). */
  dispatch(item: OutboxItem): boolean {
    const mode = this.host.mode();
    if (mode === 'online') {
      this.write(item);
      return true;
    }
    if (mode === 'offline' && this.outbox.enqueue(item)) return true;
    const error =
      mode === 'closed'
        ? notConnected()
        : new SwitchboardError(
            ErrorCode.QUEUE_FULL,
            `The offline queue is full (${this.queueSize} frames)`,
            { details: { offlineQueueSize: this.queueSize } },
          );
    item.reply?.reject(error);
    // A full queue is worth an event even when a caller gets the rejection: it means the
    // application produces faster than the hub is reachable.
    if (error.code === ErrorCode.QUEUE_FULL || item.reply === undefined) this.host.report(error);
    return false;
  }

  /**
   * Dispatches a frame and resolves with its reply. `retryOnDrop` resends it with the same
   * id after a reconnect; otherwise a drop rejects it with CONNECTION_CLOSED. `onReply`
   * runs synchronously on the reply, before any later frame is handled.
   */
  expect(
    frame: ClientFrame & { id: string },
    timeoutMs: number,
    retryOnDrop: boolean,
    onReply?: (reply: ReplyFrame) => void,
  ): Promise<ReplyFrame> {
    if (this.pending.has(frame.id)) {
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
      },
    });
    return reply.promise;
  }

  /** Writes to the socket now (the caller checked that the client is online). */
  write(item: OutboxItem): void {
    const text = encodeFrame(item.frame);
    const maxPayload = this.host.maxPayload();
    if (maxPayload > 0 && tooLarge(text, maxPayload)) {
      // Sending it would make the hub close the socket, and every retry would do it again.
      const error = new SwitchboardError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `The ${item.frame.type} frame is larger than the hub's maxPayload of ${maxPayload} bytes`,
        { details: { maxPayload } },
      );
      if (item.reply !== undefined) item.reply.reject(error);
      else this.host.report(error);
      return;
    }
    const sent = this.host.write(text);
    // A tracked frame that could not be written is settled by the close that must follow.
    if (item.reply !== undefined) this.pending.track(item.reply);
    else if (!sent) this.outbox.enqueue(item);
  }

  /** Settles the caller waiting for this reply; false when nobody waits for it. */
  settle(frame: ReplyFrame | ErrorFrame): boolean {
    return this.pending.settle(frame);
  }

  /** The socket dropped and the client will reconnect: keep what can be retried. */
  dropped(error: SwitchboardError): void {
    this.outbox.retry(this.pending.drop(error));
  }

  /** Connected again: what was in flight goes first, then the offline queue, in order. */
  flush(): void {
    for (const item of this.outbox.drain()) this.write(item);
  }

  rejectAll(error: SwitchboardError): void {
    this.pending.rejectAll(error);
    this.outbox.rejectAll(error);
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
