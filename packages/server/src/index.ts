export type { ClientInfo, ConnectionState } from './connection.ts';
export type { RouterStats } from './frame-handler.ts';
export type { HealthReport, StatsReport } from './http-endpoints.ts';
export type { Authenticate, AuthenticationMetadata, WSServerOptions } from './options.ts';
export { WS_SERVER_DEFAULTS } from './options.ts';
export type { Principal } from './principal.ts';
export type {
  RouteContext,
  RouteDefinition,
  RouteHandler,
  RouteMiddleware,
} from './route-table.ts';
export type {
  MessageDroppedInfo,
  PublishResult,
  WSRouterEvents,
  WSRouterOptions,
} from './ws-router.ts';
export { WS_ROUTER_DEFAULTS, WSRouter } from './ws-router.ts';
export type { WSServerEvents } from './ws-server.ts';
export { WSServer } from './ws-server.ts';
