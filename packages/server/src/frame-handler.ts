import type { ClientFrame } from '@switchboard/protocol';
import type { Connection } from './connection.ts';
import type { OutboundLimits } from './outbound-queue.ts';

/** Frames the server hands to its router once a connection is authenticated. */
export type RoutedFrame = Extract<
  ClientFrame,
  { type: 'subscribe' | 'unsubscribe' | 'publish' | 'request' }
>;

export interface RouterStats {
  subscriptions: number;
  topics: number;
  published: number;
  delivered: number;
  dropped: number;
}

/** What WSServer needs from a router; WSRouter implements it and registers itself. */
export interface FrameHandler {
  handleFrame(connection: Connection, frame: RoutedFrame): void;
  handleClose(connection: Connection): void;
  /** An event for this connection was dropped by the slow-consumer policy. */
  handleDrop(connection: Connection, topic: string, offset: number): void;
  /** Bounds of each connection's outbound queue. */
  readonly outboundLimits: OutboundLimits;
  stats(): RouterStats;
  readonly epoch: string;
}
