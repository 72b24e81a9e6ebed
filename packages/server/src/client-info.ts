import type { Principal } from './principal.ts';

/** Where a connection is in its life; only `open` connections get frames routed. */
export type ConnectionState = 'handshaking' | 'authenticating' | 'open' | 'closing' | 'closed';

/** Public, read-only view of a connected client (a snapshot: it does not change later). */
export interface ClientInfo {
  id: string;
  principal: Principal | null;
  remoteAddress: string | undefined;
  connectedAt: number;
  protocolVersion: number | undefined;
  subscriptions: string[];
  messagesIn: number;
  messagesOut: number;
  /** Frames and bytes waiting in the hub for this client (including the socket's buffer). */
  queuedMessages: number;
  queuedBytes: number;
  dropped: number;
}
