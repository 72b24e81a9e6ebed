import type { ClientFrame, SwitchboardError } from '@switchboard/protocol/wire';
import type { PendingReply } from './pending.ts';

/** A frame on its way out, with the reply it waits for (fire-and-forget frames have none). */
export interface OutboxItem {
  readonly frame: ClientFrame;
  readonly reply: PendingReply | undefined;
}

/**
 * Frames waiting for a connection. Two lines, drained in this order: frames that were on
 * the wire when the socket dropped (resent with their ids so the hub can drop
 * duplicates), then frames made while offline. The first line is older by construction,
 * so draining it first keeps every caller's order.
 */
export class Outbox {
  #retries: OutboxItem[] = [];
  #queue: OutboxItem[] = [];

  /** `capacity` bounds only the offline queue: retries were accepted while connected. */
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#retries.length + this.#queue.length;
  }

  retry(replies: readonly PendingReply[]): void {
    for (const reply of replies) this.#retries.push({ frame: reply.frame, reply });
  }

  /** Queues a frame made while offline; false when the queue is full. */
  enqueue(item: OutboxItem): boolean {
    if (this.#queue.length >= this.#capacity) return false;
    this.#queue.push(item);
    return true;
  }

  /** Takes out the waiting frame with this id (a request cancelled before it was sent). */
  remove(id: string): OutboxItem | undefined {
    for (const line of [this.#retries, this.#queue]) {
      const at = line.findIndex((item) => (item.frame as { id?: unknown }).id === id);
      if (at !== -1) return line.splice(at, 1)[0];
    }
    return undefined;
  }

  /** Takes everything, retries first. */
  drain(): OutboxItem[] {
    const all = this.#retries.concat(this.#queue);
    this.#retries = [];
    this.#queue = [];
    return all;
  }

  /** Rejects every waiting caller; fire-and-forget frames are dropped. */
  rejectAll(error: SwitchboardError): void {
    for (const item of this.drain()) item.reply?.reject(error);
  }
}
