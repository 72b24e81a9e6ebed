import type {
  DroppedFrame,
  EventFrame,
  SwitchboardError,
  WelcomeFrame,
} from '@switchboard/protocol';

export interface DisconnectedEvent {
  /** WebSocket close code; 4005 when the client's heartbeat gave up. */
  code: number;
  reason: string;
  willReconnect: boolean;
}

export interface ReconnectingEvent {
  /** 1 for the first retry after a drop. */
  attempt: number;
  /** Wait before this attempt, drawn with full jitter. */
  delayMs: number;
}

export interface ReconnectFailedEvent {
  /** Reconnect attempts made before giving up. */
  attempts: number;
  /** Why the last attempt failed, when it was tried. */
  error: SwitchboardError | undefined;
}

/** Events of WSClient. Only the client emits them. */
export interface ClientEvents {
  /** The hub's welcome: after the first connect and after every reconnect. */
  connected: WelcomeFrame;
  /** The principal the hub authenticated this connection as (not emitted when anonymous). */
  authenticated: { id: string };
  disconnected: DisconnectedEvent;
  reconnecting: ReconnectingEvent;
  'reconnect-failed': ReconnectFailedEvent;
  /** Every event on a subscribed topic, live or replayed. */
  event: EventFrame;
  /** The hub dropped events for this slow client; the range is in the frame. */
  dropped: DroppedFrame;
  /** Errors nobody awaits: error frames without an id, refused resubscribes, QUEUE_FULL. */
  error: SwitchboardError;
  /** Events of one concrete topic, e.g. `event:agent.42.status`. */
  [topicEvent: `event:${string}`]: EventFrame;
}
