export {
  CALL_TRAFFIC_TYPES,
  CancelFrame,
  ChunkFrame,
  CreditFrame,
  EndFrame,
  HandleFrame,
  HandlerCancelFrame,
  HandlerChunkFrame,
  HandlerCreditFrame,
  HandlerEndFrame,
  HandlerFailFrame,
  HandlerReplyFrame,
  InvokeFrame,
  UnhandleFrame,
} from './call-frames.ts';
export type { EventMap, EventName } from './emitter.ts';
export { TypedEmitter } from './emitter.ts';
export type { SwitchboardErrorOptions } from './errors.ts';
export {
  CloseCode,
  ERROR_CODES,
  ErrorCode,
  isErrorCode,
  SwitchboardError,
  TERMINAL_CLOSE_CODES,
} from './errors.ts';
export { CallId, Credit, MAX_CREDIT, ServedMethod, TimeoutMs } from './frame-fields.ts';
export type { ClientFrameType, ServerFrameType } from './frames.ts';
export {
  AckFrame,
  AuthFrame,
  CLIENT_FRAME_TYPES,
  ClientFrame,
  DisconnectFrame,
  DroppedFrame,
  ErrorFrame,
  EventFrame,
  HelloFrame,
  MAX_ID_LENGTH,
  MAX_TOKEN_LENGTH,
  MAX_TOPICS_PER_FRAME,
  MessageFrame,
  Pattern,
  PingFrame,
  PongFrame,
  PublishFrame,
  RefreshRequiredFrame,
  RequestFrame,
  RequestId,
  ResponseFrame,
  SERVER_FRAME_TYPES,
  ServerFrame,
  StreamPosition,
  SubscribeFrame,
  SubscriptionOutcome,
  Topic,
  UnsubscribedFrame,
  UnsubscribeFrame,
  WelcomeFrame,
} from './frames.ts';
export { HISTORY_METHOD, HistoryRequest, HistoryResponse } from './history.ts';
export {
  BusyPrefix,
  isReservedTopic,
  KpiSnapshot,
  METRICS_TOPIC,
  RESERVED_TOPIC_PREFIX,
} from './metrics.ts';
export type { NumberBounds } from './options.ts';
export {
  aliased,
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkNumber,
  checkOneOf,
  checkType,
  definedOnly,
  MAX_TIMER_MS,
  withDefaults,
} from './options.ts';
export type { ParseResult } from './parse.ts';
export {
  encodeFrame,
  errorFrame,
  errorFromFrame,
  MAX_FRAME_DEPTH,
  parseClientFrame,
  parseServerFrame,
  withinIdLength,
} from './parse.ts';
export type { Containment, PatternAuthorization } from './pattern-containment.ts';
export {
  authorizePattern,
  CONTAINMENT_WORK_BUDGET,
  checkContainment,
  isPatternAllowed,
  patternContains,
} from './pattern-containment.ts';
export type { TopicCheck } from './topic.ts';
export {
  assertPattern,
  assertTopic,
  checkPattern,
  checkTopic,
  isValidPattern,
  isValidTopic,
  isWildcardPattern,
  MULTI_WILDCARD,
  SINGLE_WILDCARD,
  TOPIC_LIMITS,
} from './topic.ts';
export type { TopicMatcher } from './topic-match.ts';
export {
  compilePattern,
  matches,
  matchSegments,
  normalizePattern,
  patternSegments,
} from './topic-match.ts';
export type { VersionNegotiation } from './version.ts';
export {
  CURRENT_PROTOCOL_VERSION,
  negotiateVersion,
  offeredSubprotocols,
  PROTOCOL_VERSIONS,
  selectSubprotocol,
  subprotocolFor,
  versionFromSubprotocol,
} from './version.ts';
