import type {
  DroppedFrame,
  EventFrame,
  PongFrame,
  StreamPosition,
  SubscriptionOutcome,
  SwitchboardError,
  UnsubscribedFrame,
  WelcomeFrame,
} from '@switchboard/protocol/wire';

export interface DisconnectedEvent {
  /** WebSocket close code; 4005 when the client's heartbeat gave up. */
  code: number;
  reason: string;
  willReconnect: boolean;
  /**
   * What the close means, as an error: `RATE_LIMIT_EXCEEDED` for 4029, `TOKEN_EXPIRED` for
   * 4008, `AUTHENTICATION_FAILED` for 4001 and 4009, `SERVER_SHUTTING_DOWN` for 1001...
   * (`CONNECTION_CLOSED` for codes without a more precise one); `details` has `closeCode`,
   * `closeName` and `reason`.
   */
  error: SwitchboardError;
}

export interface ReconnectingEvent {
  /** 1 for the first retry after a drop. */
  attempt: number;
  /**
   * Wait before this attempt, drawn with full jitter; 0 when the node said it is going away
   * (close 1001) and the client moves to the next of several URLs at once.
   */
  delayMs: number;
  /** The hub URL this attempt goes to (the next of several after a lost connection). */
  url: string;
}

export interface ReconnectFailedEvent {
  /** Reconnect attempts made before giving up. */
  attempts: number;
  /** Why the last attempt failed, when it was tried. */
  error: SwitchboardError | undefined;
}

export interface SubscribedEvent {
  /**
   * The hub's outcome per pattern: `wasRecovering` (history was asked for: a resume
   * position or `since`), `recovered`, and `replayed`, the replayed events that pattern matches.
   */
  subscriptions: SubscriptionOutcome[];
  /** True for the automatic resubscribe after a reconnect. */
  resubscribe: boolean;
}

/**
 * Events were missed and cannot be replayed: the history no longer covers the gap, or the
 * hub's log was reset (new epoch). The application must reload its state.
 */
export interface ResyncRequiredEvent {
  reason: 'history-exhausted' | 'epoch-changed';
  /** Patterns whose recovery failed (after a reconnect). */
  patterns: string[];
  /** The position the client tried to resume from, if any. */
  position: StreamPosition | undefined;
  /** The missed range, when the hub reported dropped events. */
  fromOffset?: number;
  toOffset?: number;
}

export interface TokenRefreshedEvent {
  /** When the new credential expires (ms since 1970), as the hub acked it; undefined: never. */
  expiresAt: number | undefined;
}

export interface TokenRefreshFailedEvent {
  /** Why: the token function failed, or the hub refused the new token (AUTHENTICATION_FAILED). */
  error: SwitchboardError;
  /** When the old credential expires and the hub closes the connection (4008). */
  expiresAt: number;
}

/** Events of WSClient and their listeners. Only the client emits them. */
export interface ClientEvents {
  /** The hub's welcome: after the first connect and after every reconnect. */
  connected: (welcome: WelcomeFrame) => void;
  /** The principal the hub authenticated this connection as (not emitted when anonymous). */
  authenticated: (principal: { id: string }) => void;
  disconnected: (info: DisconnectedEvent) => void;
  reconnecting: (info: ReconnectingEvent) => void;
  'reconnect-failed': (info: ReconnectFailedEvent) => void;
  /** Every event on a subscribed topic, live or replayed. */
  event: (event: EventFrame) => void;
  /** The hub answered a ping: the client's heartbeat or one sent with `sendAndWait`. */
  pong: (pong: PongFrame) => void;
  /**
   * An application message from the hub's `sendMessage` or `broadcast`, as the server sent
   * it (e.g. `{ type: 'notification', data }`). Not a topic event: no offset, no replay.
   */
  message: (message: unknown) => void;
  /** The hub dropped events for this slow client; the client fetches them from history. */
  dropped: (notice: DroppedFrame) => void;
  /** A subscribe or the resubscribe after a reconnect was acked, with recovery outcomes. */
  subscribed: (info: SubscribedEvent) => void;
  /** Missed events could not be recovered; never a silent partial replay. */
  'resync-required': (info: ResyncRequiredEvent) => void;
  /** The hub accepted a fresh token in-band: same connection, subscriptions and queue. */
  'token-refreshed': (info: TokenRefreshedEvent) => void;
  /** A refresh the hub asked for failed; the old credential holds until it expires. */
  'token-refresh-failed': (info: TokenRefreshFailedEvent) => void;
  /**
   * The hub ended subscriptions on its own (`code` FORBIDDEN: a refreshed token no longer
   * allows them); they are no longer resubscribed.
   */
  unsubscribed: (info: Omit<UnsubscribedFrame, 'type'>) => void;
  /** Errors nobody awaits: error frames without an id, refused resubscribes, QUEUE_FULL. */
  error: (error: SwitchboardError) => void;
  /** Events of one concrete topic, e.g. `event:agent.42.status`. */
  [topicEvent: `event:${string}`]: (event: EventFrame) => void;
  /** Application messages whose `type` is a string, e.g. `message:notification`. */
  [messageType: `message:${string}`]: (message: unknown) => void;
}
