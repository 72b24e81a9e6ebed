import {
  type AckFrame,
  type ClientFrame,
  ErrorCode,
  type ErrorFrame,
  errorFromFrame,
  type PongFrame,
  type ResponseFrame,
  SwitchboardError,
} from '@switchboard/protocol/wire';
import { unref } from './async.ts';

/** The server frames that answer a client frame by its id. */
export type ReplyFrame = AckFrame | ResponseFrame | PongFrame;

/** A frame that waits for its reply, and what to do with whatever comes back. */
export interface PendingReply {
  readonly frame: ClientFrame & { id: string };
  /** From the moment the frame is written; Infinity waits forever. */
  readonly timeoutMs: number;
  resolve(reply: ReplyFrame): void;
  reject(error: SwitchboardError): void;
  /**
   * The socket dropped before the reply. Return true to send the same frame again after
   * the reconnect; otherwise settle the caller here.
   */
  onDrop(error: SwitchboardError): boolean;
  /** Runs after the caller was rejected with TIMEOUT (a request then cancels its call). */
  onTimeout?(): void;
}

/** Frames written to the current socket and not yet answered, in the order they were sent. */
export class PendingReplies {
  readonly #byId = new Map<
    string,
    { reply: PendingReply; timer: ReturnType<typeof setTimeout> | undefined }
  >();

  get size(): number {
    return this.#byId.size;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Starts waiting for the reply to a frame that was just written. */
  track(reply: PendingReply): void {
    const id = reply.frame.id;
    const timer = Number.isFinite(reply.timeoutMs)
      ? unref(setTimeout(() => this.#expire(id), reply.timeoutMs))
      : undefined;
    this.#byId.set(id, { reply, timer });
  }

  /** Settles the frame this reply answers; false when nothing waits for it. */
  settle(frame: ReplyFrame | ErrorFrame): boolean {
    if (frame.id === undefined) return false;
    const entry = this.#byId.get(frame.id);
    if (entry === undefined) return false;
    this.#byId.delete(frame.id);
    clearTimeout(entry.timer);
    if (frame.type === 'error') entry.reply.reject(errorFromFrame(frame));
    else entry.reply.resolve(frame);
    return true;
  }

  /** Stops waiting for the reply to `id` without settling it; undefined when none waits. */
  forget(id: string): PendingReply | undefined {
    const entry = this.#byId.get(id);
    if (entry === undefined) return undefined;
    this.#byId.delete(id);
    clearTimeout(entry.timer);
    return entry.reply;
  }

  /** The socket dropped: settles what cannot be retried, returns the rest in send order. */
  drop(error: SwitchboardError): PendingReply[] {
    const entries = [...this.#byId.values()];
    this.#byId.clear();
    const retry: PendingReply[] = [];
    for (const { reply, timer } of entries) {
      clearTimeout(timer);
      if (reply.onDrop(error)) retry.push(reply);
    }
    return retry;
  }

  rejectAll(error: SwitchboardError): void {
    const entries = [...this.#byId.values()];
    this.#byId.clear();
    for (const { reply, timer } of entries) {
      clearTimeout(timer);
      reply.reject(error);
    }
  }

  #expire(id: string): void {
    const entry = this.#byId.get(id);
    if (entry === undefined) return;
    this.#byId.delete(id);
    const { frame, timeoutMs } = entry.reply;
    entry.reply.reject(
      new SwitchboardError(
        ErrorCode.TIMEOUT,
        `No reply to ${frame.type} "${id}" within ${timeoutMs} ms`,
        { details: { id, type: frame.type } },
      ),
    );
    entry.reply.onTimeout?.();
  }
}
