import type { AuthFrame, ClientFrame, HelloFrame } from '@switchboard/protocol/wire';
import type { FetchLike } from './sse-socket.ts';
import type { Since } from './subscriptions.ts';
import type { WebSocketImplementation } from './websocket.ts';

/**
 * `idle` before the first connect; `connecting` during it; `reconnecting` while waiting
 * for or trying a reconnect; `closed` after disconnect(), a refusal or giving up.
 */
export type ClientState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

type WithOptionalId<F> = F extends unknown ? Omit<F, 'id'> & { id?: string } : never;

/** A client frame as `send`/`sendAndWait` take it: the id may be left out. */
export type OutgoingFrame = WithOptionalId<Exclude<ClientFrame, HelloFrame | AuthFrame>>;

export interface PublishOptions {
  /**
   * Deliver to this client too when it is subscribed.
   * @default true
   */
  echo?: boolean;
  /**
   * Message id, for a publish the application retries itself across restarts.
   * @default a random UUID
   */
  id?: string;
}

export interface PublishResult {
  offset: number;
  sequenceNumber: number;
  epoch: string;
  /** The hub already had this message id: nothing new was stored. */
  duplicate: boolean;
}

export interface SubscribeOptions {
  /** Start from history: every retained event after this offset, or `'last'` per topic. */
  since?: Since;
}

export interface RequestOptions {
  /**
   * Milliseconds to wait for the answer; it travels with the request, so the hub cancels a
   * client-hosted handler's call then too. `Infinity` leaves it to the hub's cap.
   * @default the client's `messageTimeoutMs`
   */
  timeout?: number;
  /**
   * Aborting it rejects the call with CANCELLED at once and cancels it at the hub and at
   * the handler serving it (whose own `signal` fires).
   */
  signal?: AbortSignal;
}

export interface StreamRequestOptions extends RequestOptions {
  /**
   * Chunks the handler may send ahead of what this client consumed (the credit window); the
   * hub may cut it (its `maxStreamCredit`). A caller that stops reading stops the handler.
   * @default 16
   */
  credit?: number;
  /** @default Infinity: the hub's `maxCallTimeoutMs` bounds the call */
  timeout?: number;
}

/** The items of a streamed answer, in order; `break` or `cancel()` cancels the call. */
export interface RequestStream<T = unknown> extends AsyncIterableIterator<T> {
  /** The request id of the call. */
  readonly id: string;
  /** Cancels the call: the iterator ends (without an error) and the handler's signal fires. */
  cancel(): void;
}

/** What a client-hosted handler gets besides the caller's data. */
export interface HandlerContext {
  method: string;
  /** The hub's id of the call. */
  callId: string;
  /** The caller's principal id; undefined for anonymous callers. */
  caller: string | undefined;
  /**
   * True when the caller reads a stream (`requestStream`): each item an async iterable yields
   * is sent as it comes. Otherwise only the last item is sent, as the one answer.
   */
  streaming: boolean;
  /** How long the call may still take, as the hub said; it cancels the call then. */
  timeoutMs: number;
  /**
   * Fires when nobody takes the answer any more: the caller cancelled or left (CANCELLED), the
   * time ran out (TIMEOUT), or this client's connection dropped (CONNECTION_CLOSED). Its
   * `reason` is a SwitchboardError with that code.
   */
  signal: AbortSignal;
}

/**
 * Serves one method: return (or resolve) the answer, return an async iterable (an
 * `async function*`) to stream it, or throw to fail the call (a SwitchboardError keeps its
 * code; anything else is INTERNAL_ERROR with its message).
 */
export type Handler = (data: unknown, context: HandlerContext) => unknown;

export interface HandleOptions {
  /**
   * Handlers of one method share its calls only within one group; the hub refuses a
   * handler of another group (HANDLER_CONFLICT). @default the default group
   */
  group?: string;
}

/** A method this client serves. */
export interface HandlerRegistration {
  readonly method: string;
  readonly group: string | undefined;
  /**
   * Resolves once the hub registered the handler (on the next welcome, when offline); rejects
   * with its refusal (FORBIDDEN, HANDLER_CONFLICT, TOO_MANY_HANDLERS), and then the
   * registration is gone.
   */
  readonly ready: Promise<void>;
  /** Stops serving the method; calls already under way run to their end. */
  close(): Promise<void>;
}

/** What an entry point supplies: `ws` in Node, the global WebSocket in browsers. */
export interface Platform {
  defaultWebSocket: WebSocketImplementation | undefined;
  /**
   * Whether the default constructor takes `ws`'s options: an `Authorization` header and the
   * permessage-deflate offer.
   */
  headers: boolean;
  /** The HTTP fallback's fetch, given `keepProcessAlive`; undefined where there is none. */
  fetch: ((keepProcessAlive: boolean) => FetchLike) | undefined;
}
