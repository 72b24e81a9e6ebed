import type { ClientFrame, SwitchboardError } from '@switchboard/protocol';
import type { LogEntry } from '@switchboard/router';
import type { ClientInfo } from './client-info.ts';

/** What a WSServer emits (with the seed API's names beside ours). */
export interface WSServerEvents {
  listening: (address: { host: string; port: number }) => void;
  /** The seed API's name of `listening`, emitted right after it with the same address. */
  started: (address: { host: string; port: number }) => void;
  /** A socket was accepted; it is not authenticated yet. */
  connection: (client: ClientInfo) => void;
  /** Handshake and authentication finished; the client got its welcome. */
  authenticated: (client: ClientInfo) => void;
  /** An in-band `auth` frame replaced the principal of an open connection. */
  'token-refreshed': (client: ClientInfo) => void;
  disconnection: (client: ClientInfo, code: number, reason: string) => void;
  /** The seed API's name of `disconnection`, emitted right after it with the same arguments. */
  disconnect: (client: ClientInfo, code: number, reason: string) => void;
  /** A client subscribed to new patterns (the attached router's `subscribed`, seed name). */
  subscribe: (client: ClientInfo, patterns: string[]) => void;
  /** A client dropped patterns (the attached router's `unsubscribed`, seed name). */
  unsubscribe: (client: ClientInfo, patterns: string[]) => void;
  /** A message was appended to the hub log (the attached router's `published`, seed name). */
  publish: (entry: LogEntry) => void;
  /** Every valid frame from an authenticated client, before its stages and the router. */
  message: (client: ClientInfo, frame: ClientFrame) => void;
  /** A client sent something the hub refused (the client got an `error` frame). */
  'client-error': (client: ClientInfo, error: SwitchboardError) => void;
  error: (error: Error) => void;
}
