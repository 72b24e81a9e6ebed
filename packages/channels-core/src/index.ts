export type { Publisher, SpecOf, TopicBuilders } from './channel.ts';
export { Channel, defineChannel, topicBuilders } from './channel.ts';
export type { ChannelClientOptions } from './channel-client.ts';
export { CHANNEL_CLIENT_DEFAULTS, ChannelClient } from './channel-client.ts';
export { ChannelServer } from './channel-server.ts';
export { ChannelSubscriptions } from './channel-subscriptions.ts';
export type {
  ChannelEvent,
  ChannelEvents,
  ChannelSpec,
  EventNameOf,
  Input,
  InputOf,
  KindOf,
  Listener,
  ParsedTopic,
  PayloadOf,
  SubscribeOptions,
  Without,
} from './channel-types.ts';
export type {
  EventPayload,
  EventPayloadInput,
  EventSchema,
  EventSchemaOptions,
  FieldAliases,
} from './event-schema.ts';
export { aliasOf, eventSchema } from './event-schema.ts';
export type {
  EventMeta,
  HubClient,
  HubEvent,
  HubHandlerContext,
  HubHandlerRegistration,
  HubPrincipal,
  HubPublishResult,
  HubRequestStream,
  HubRouteContext,
  HubRouteDefinition,
  HubRouter,
  HubRoutingRouter,
  HubServingClient,
  Since,
} from './hub.ts';
export { metaOf } from './hub.ts';
export { selectKinds } from './kinds.ts';
export { acquire, release } from './leases.ts';
export {
  assertSegment,
  joinTopic,
  mismatch,
  parsePayload,
  SegmentId,
  segmentProblem,
  Timestamp,
} from './validation.ts';
export type { Settlement, WaitForLastOptions } from './wait-for-last.ts';
export { waitForLast } from './wait-for-last.ts';
