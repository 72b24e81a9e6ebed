import { ClientCore } from './client.ts';
import type { ClientOptions } from './options.ts';
import type { WebSocketImplementation } from './websocket.ts';

/**
 * Switchboard client for browsers (and any runtime with a global WebSocket): no Node
 * import anywhere below this file. Tokens go in `hello` or the query string, since
 * browsers cannot set headers on a WebSocket.
 */
export class WSClient extends ClientCore {
  constructor(options: ClientOptions) {
    // Read at construction, not import, so that server-side rendering can import this file.
    const global = (globalThis as { WebSocket?: WebSocketImplementation }).WebSocket;
    super(options, { defaultWebSocket: global, headers: false });
  }
}

export type { EventFrame, SubscriptionOutcome } from '@switchboard/protocol';
export { ErrorCode, SwitchboardError } from '@switchboard/protocol';
export type {
  ClientState,
  OutgoingFrame,
  PublishOptions,
  PublishResult,
  RequestOptions,
  SubscribeOptions,
} from './api.ts';
export type { BackoffOptions } from './backoff.ts';
export { backoffDelay } from './backoff.ts';
export type { Listener } from './emitter.ts';
export type {
  ClientEvents,
  DisconnectedEvent,
  ReconnectFailedEvent,
  ReconnectingEvent,
  ResyncRequiredEvent,
  SubscribedEvent,
} from './events.ts';
export type { ClientOptions, TokenSource, TokenTransport } from './options.ts';
export { DEFAULT_CLIENT_OPTIONS } from './options.ts';
export type { ReplyFrame } from './pending.ts';
export type { WebSocketImplementation } from './websocket.ts';
