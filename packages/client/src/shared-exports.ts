/** Everything both entries (Node and browser) export besides their own WSClient. */
export type { EventFrame, SubscriptionOutcome } from '@switchboard/protocol/wire';
export { ErrorCode, SwitchboardError, TypedEmitter } from '@switchboard/protocol/wire';
export type {
  ClientState,
  HandleOptions,
  Handler,
  HandlerContext,
  HandlerRegistration,
  OutgoingFrame,
  PublishOptions,
  PublishResult,
  RequestOptions,
  RequestStream,
  StreamRequestOptions,
  SubscribeOptions,
} from './api.ts';
export type { BackoffOptions } from './backoff.ts';
export { backoffDelay } from './backoff.ts';
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
