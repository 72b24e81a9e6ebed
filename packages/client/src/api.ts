import type { AuthFrame, ClientFrame, HelloFrame } from '@switchboard/protocol';
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
  /** @default the client's `messageTimeoutMs` */
  timeout?: number;
}

/** What an entry point supplies: `ws` in Node, the global WebSocket in browsers. */
export interface Platform {
  defaultWebSocket: WebSocketImplementation | undefined;
  /** Whether the default constructor can send an `Authorization` header. */
  headers: boolean;
}
