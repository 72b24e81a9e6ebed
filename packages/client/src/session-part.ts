import type { ServerFrame, SwitchboardError } from '@switchboard/protocol/wire';

/**
 * A part of the client's session besides its subscriptions (handlers, calls it serves,
 * streams it reads): restored after each welcome, ended with each connection, and handed the
 * frames that are its own.
 */
export interface SessionPart {
  /** After each welcome, right after the resubscribe was sent. */
  restore(): void;
  /** The connection ended; `closing` when the client will not reconnect. */
  ended(error: SwitchboardError, closing: boolean): void;
  /** True when the frame was this part's (and it handled it). */
  frame(frame: ServerFrame): boolean;
}
