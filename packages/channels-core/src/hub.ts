/**
 * The slices of the hub's router and client that a channel uses, declared here so that a
 * channel imports neither `@switchboard/server` nor `@switchboard/client`: a browser bundle
 * of a channel client never pulls in the server. `WSRouter` and `WSClient` satisfy them.
 *
 */

/** What the hub answers to a publish once the message is in its log. */
export interface HubPublishResult {
  offset: number;
  sequenceNumber: number;
  epoch: string;
}

/** The server-side publisher: `WSRouter` or anything shaped like it. */
export interface HubRouter {
  publish(topic: string, data: unknown, options?: { id?: string }): Promise<HubPublishResult>;
}

/** Who sent a request, as the hub authenticated them. */
export interface HubPrincipal {
  id: string;
  [key: string]: unknown;
}

export interface HubRouteContext {
  principal: HubPrincipal | null;
  /**
   * The connection the request came on. A principal whose id is the connection's id was not
   * named by `authenticate` (it returned `true`, or the hub is anonymous).
   */
  client?: { id: string };
}

export interface HubRouteDefinition {
  method: string;
  handler: (data: unknown, context: HubRouteContext) => unknown;
}

/** A router that also serves request/response routes (RPC). */
export interface HubRoutingRouter extends HubRouter {
  /** Registers a handler; returns a function that removes it. */
  route(definition: HubRouteDefinition): () => void;
}

/** An event as the client delivers it. */
export interface HubEvent {
  topic: string;
  data: unknown;
  sequenceNumber: number;
  offset: number;
  epoch: string;
  timestamp: number;
  /** Delivered from history (e.g. the retained last value), not live. */
  replay?: boolean | undefined;
}

/** Where a subscription starts: every retained event after an offset, or the last per topic. */
export type Since = number | 'last';

/** The client-side connection: `WSClient` or anything shaped like it. */
export interface HubClient {
  subscribe(topics: string | string[], options?: { since?: Since }): Promise<unknown>;
  unsubscribe(topics: string | string[]): Promise<unknown>;
  publish(topic: string, data: unknown): Promise<unknown>;
  request(method: string, data?: unknown, options?: { timeout?: number }): Promise<unknown>;
  /** Adds a listener (Node's EventEmitter semantics: `off` removes it). */
  on(event: 'event', listener: (event: HubEvent) => void): unknown;
  off(event: 'event', listener: (event: HubEvent) => void): unknown;
  /** Patterns the client already wants; lets a channel leave foreign subscriptions alone. */
  readonly subscriptions?: ReadonlySet<string>;
  /** The authenticated principal, used as the default agent id where one is optional. */
  readonly principal?: { id: string } | null;
}

/** Where an event came from, passed to channel listeners after the payload. */
export interface EventMeta {
  topic: string;
  sequenceNumber: number;
  offset: number;
  epoch: string;
  /** When the hub stored the event (ms); the payload's `at` is when the sender made it. */
  timestamp: number;
  replay: boolean;
}

export function metaOf(event: HubEvent): EventMeta {
  return {
    topic: event.topic,
    sequenceNumber: event.sequenceNumber,
    offset: event.offset,
    epoch: event.epoch,
    timestamp: event.timestamp,
    replay: event.replay === true,
  };
}

/** What a client-hosted handler gets besides the data: `WSClient`'s `HandlerContext`. */
export interface HubHandlerContext {
  callId: string;
  /** The caller's principal id; undefined for anonymous callers. */
  caller: string | undefined;
  /** True when the caller reads a stream; false when it takes one answer. */
  streaming: boolean;
  /** Fires when nobody takes the answer any more (cancelled, timed out, connection lost). */
  signal: AbortSignal;
}

/** A method served through the hub: `WSClient`'s `HandlerRegistration`. */
export interface HubHandlerRegistration {
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** A streamed answer: `WSClient`'s `RequestStream`. */
export interface HubRequestStream extends AsyncIterableIterator<unknown> {
  cancel(): void;
}

/** A hub client that also serves methods and reads streamed answers (`WSClient`). */
export interface HubServingClient extends HubClient {
  handle(
    method: string,
    handler: (data: unknown, context: HubHandlerContext) => unknown,
    options?: { group?: string },
  ): HubHandlerRegistration;
  requestStream(
    method: string,
    data?: unknown,
    options?: { timeout?: number; signal?: AbortSignal; credit?: number },
  ): HubRequestStream;
  request(
    method: string,
    data?: unknown,
    options?: { timeout?: number; signal?: AbortSignal },
  ): Promise<unknown>;
}
