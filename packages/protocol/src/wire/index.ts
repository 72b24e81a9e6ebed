/**
 * `@switchboard/protocol/wire`: what a client needs of the protocol, without zod. Frames are
 * validated by the validators that scripts/wire-codegen.ts generates from the zod schemas
 * (validators.generated.ts; CI fails when they are stale), which accept exactly what the
 * schemas accept and return what they return (wire.test.ts checks it on generated frames).
 * A rejected frame is the same INVALID_MESSAGE (or INVALID_TOPIC, INVALID_PATTERN) error,
 * naming the same field; only the wording of the reason differs, and it names the first
 * problem without counting the others.
 */
import type { ClientFrame, ServerFrame } from '../frames.ts';
import type { HistoryResponse } from '../history.ts';
import { type ParseResult, parseFrameWith, type SchemaResult } from '../parse-core.ts';
import { Issue, type Validator } from './validate.ts';
import {
  CLIENT_FRAMES,
  historyResponse,
  SERVER_FRAMES,
  servedMethod,
} from './validators.generated.ts';

export type {
  ChunkFrame,
  EndFrame,
  HandleFrame,
  InvokeFrame,
  UnhandleFrame,
} from '../call-frames.ts';
export {
  CALL_TRAFFIC_TYPES,
  HISTORY_METHOD,
  MAX_CREDIT,
  MAX_ID_LENGTH,
  MAX_TOKEN_LENGTH,
  MAX_TOPICS_PER_FRAME,
} from '../constants.ts';
export type { EventMap, EventName } from '../emitter.ts';
export { TypedEmitter } from '../emitter.ts';
export type { SwitchboardErrorOptions } from '../errors.ts';
export {
  CloseCode,
  ERROR_CODES,
  ErrorCode,
  isErrorCode,
  SwitchboardError,
  TERMINAL_CLOSE_CODES,
} from '../errors.ts';
export type {
  AckFrame,
  AuthFrame,
  ClientFrame,
  ClientFrameType,
  DisconnectFrame,
  DroppedFrame,
  ErrorFrame,
  EventFrame,
  HelloFrame,
  PongFrame,
  PublishFrame,
  RefreshRequiredFrame,
  RequestFrame,
  ResponseFrame,
  ServerFrame,
  ServerFrameType,
  StreamPosition,
  SubscribeFrame,
  SubscriptionOutcome,
  UnsubscribedFrame,
  UnsubscribeFrame,
  WelcomeFrame,
} from '../frames.ts';
export type { HistoryResponse } from '../history.ts';
export type { NumberBounds } from '../options.ts';
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
} from '../options.ts';
export type { ParseResult } from '../parse-core.ts';
export {
  encodeFrame,
  errorFrame,
  errorFromFrame,
  MAX_FRAME_DEPTH,
  withinIdLength,
} from '../parse-core.ts';
export type { TopicCheck } from '../topic.ts';
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
} from '../topic.ts';
export {
  CURRENT_PROTOCOL_VERSION,
  negotiateVersion,
  offeredSubprotocols,
  PROTOCOL_VERSIONS,
  selectSubprotocol,
  subprotocolFor,
  versionFromSubprotocol,
} from '../version.ts';

/** Runs a generated validator: the parsed value, or the first issue. */
function run(validator: Validator, value: unknown): SchemaResult {
  try {
    return { ok: true, value: validator(value, []) };
  } catch (error) {
    if (error instanceof Issue) return { ok: false, issue: error, more: 0 };
    throw error;
  }
}

const byType =
  (validators: Record<string, Validator>) =>
  (record: Record<string, unknown>, type: string): SchemaResult =>
    run(validators[type]!, record);

const checkServer = byType(SERVER_FRAMES);
const checkClient = byType(CLIENT_FRAMES);
const SERVER_TYPES: ReadonlySet<string> = new Set(Object.keys(SERVER_FRAMES));
const CLIENT_TYPES: ReadonlySet<string> = new Set(Object.keys(CLIENT_FRAMES));

/** Validates a frame sent by a server, as the package entry's `parseServerFrame`. Never throws. */
export function parseServerFrame(input: unknown): ParseResult<ServerFrame> {
  return parseFrameWith<ServerFrame>(checkServer, SERVER_TYPES, true, input);
}

/** Validates a frame sent by a client, as the package entry's `parseClientFrame`. Never throws. */
export function parseClientFrame(input: unknown): ParseResult<ClientFrame> {
  return parseFrameWith<ClientFrame>(checkClient, CLIENT_TYPES, false, input);
}

/** The data of a `$history` response as HistoryResponse parses it; undefined when it is not one. */
export function parseHistoryResponse(data: unknown): HistoryResponse | undefined {
  const result = run(historyResponse, data);
  return result.ok ? (result.value as HistoryResponse) : undefined;
}

/** Why `method` is not a method a client may serve (ServedMethod); undefined when it is. */
export function servedMethodProblem(method: unknown): string | undefined {
  const result = run(servedMethod, method);
  return result.ok ? undefined : result.issue.message;
}
