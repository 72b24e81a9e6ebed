export type { CallStats } from './call-router.ts';
export type { ClientInfo, ConnectionState } from './client-info.ts';
export type {
  ClusterAnswer,
  ClusterAnswers,
  ClusterBus,
  ClusterCommandHandler,
} from './cluster-bus.ts';
export { LocalClusterBus } from './cluster-bus.ts';
export type { ClusterClientInfo, ClusterStats } from './cluster-hub.ts';
export { ClusterHub } from './cluster-hub.ts';
export type { PerMessageDeflateOptions } from './deflate-options.ts';
export { PER_MESSAGE_DEFLATE_DEFAULTS } from './deflate-options.ts';
export type { CallTrafficFrame, FrameContext, FrameStage, RoutedFrame } from './frame-stage.ts';
export type { HealthReport, StatsReport } from './http-endpoints.ts';
export type {
  JwtAuthenticate,
  JwtAuthenticatorOptions,
} from './jwt-authenticator.ts';
export { jwtAuthenticator } from './jwt-authenticator.ts';
export type { ClaimPath, JwtClaimMapping, JwtPrincipal } from './jwt-claims.ts';
export type {
  Authenticate,
  AuthenticationMetadata,
  IsRevoked,
  WSServerOptions,
} from './options.ts';
export { WS_SERVER_DEFAULTS } from './options.ts';
export type { Principal } from './principal.ts';
export type {
  RateLimit,
  RateLimitedFrameType,
  RateLimitOptions,
} from './rate-limit-options.ts';
export { RATE_LIMIT_DEFAULTS } from './rate-limit-options.ts';
export type {
  RouteContext,
  RouteDefinition,
  RouteHandler,
  RouteMiddleware,
} from './route-table.ts';
export type { RouterStats } from './router-link.ts';
export type { WSRouterOptions } from './router-options.ts';
export { WS_ROUTER_DEFAULTS } from './router-options.ts';
export type { WSServerEvents } from './server-events.ts';
export type { SseOptions } from './sse-options.ts';
export { SSE_DEFAULTS } from './sse-options.ts';
export { refreshLeadMs } from './token-expiry.ts';
export type {
  MessageDroppedInfo,
  PublishResult,
  WSRouterEvents,
} from './ws-router.ts';
export { WSRouter } from './ws-router.ts';
export { WSServer } from './ws-server.ts';
