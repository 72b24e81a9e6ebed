import WebSocket from 'ws';
import { ClientCore } from './client.ts';
import type { ClientOptions } from './options.ts';

/**
 * Switchboard client for Node: `ws` is the default WebSocket, which also makes
 * `tokenTransport: 'header'` possible.
 */
export class WSClient extends ClientCore {
  constructor(options: ClientOptions) {
    super(options, { defaultWebSocket: WebSocket, headers: true });
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
