import type { ClientFrame } from '@switchboard/protocol';
import type { Connection } from './connection.ts';

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
  stats(): RouterStats;
  readonly epoch: string;
}
