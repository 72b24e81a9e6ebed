export type { ChannelClientOptions } from './channel-subscriptions.ts';
export { ChannelSubscriptions } from './channel-subscriptions.ts';
export type {
  EventMeta,
  HubClient,
  HubEvent,
  HubPrincipal,
  HubPublishResult,
  HubRouteContext,
  HubRouteDefinition,
  HubRouter,
  HubRoutingRouter,
  Since,
} from './hub.ts';
export { metaOf } from './hub.ts';
export { selectKinds } from './kinds.ts';
export { acquire, release } from './leases.ts';
export {
  assertSegment,
  checkTimeout,
  joinTopic,
  mismatch,
  parsePayload,
  SegmentId,
  segmentProblem,
  Timestamp,
} from './validation.ts';
export type { Settlement, WaitForLastOptions } from './wait-for-last.ts';
export { waitForLast } from './wait-for-last.ts';
