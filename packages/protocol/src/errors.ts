/**
 * Stable error codes, shared by the wire (`error` frames) and thrown errors.
 * Add codes; never rename or reuse one.
 */
export const ErrorCode = {
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  INVALID_TOPIC: 'INVALID_TOPIC',
  INVALID_PATTERN: 'INVALID_PATTERN',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  AUTHENTICATION_REQUIRED: 'AUTHENTICATION_REQUIRED',
  AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  AUTHENTICATION_TIMEOUT: 'AUTHENTICATION_TIMEOUT',
  /** The connection's credential expired without a successful refresh (close 4008). */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  FORBIDDEN: 'FORBIDDEN',
  /** A subscribe pattern whose containment in the allowed patterns is too costly to decide. */
  PATTERN_TOO_COMPLEX: 'PATTERN_TOO_COMPLEX',
  /**
   * Not a rate limit: the hub is overloaded or at capacity (what close 1013 means to a client),
   * a refresh is already being checked, or frames waiting behind replays hit their budget.
   * Rate limits answer RATE_LIMIT_EXCEEDED.
   */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A rate limit refused this frame; `details.retryAfterMs` says when one will pass. */
  RATE_LIMIT_EXCEEDED: 'RATE_LIMIT_EXCEEDED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  NOT_FOUND: 'NOT_FOUND',
  TIMEOUT: 'TIMEOUT',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  NOT_CONNECTED: 'NOT_CONNECTED',
  QUEUE_FULL: 'QUEUE_FULL',
  SERVER_SHUTTING_DOWN: 'SERVER_SHUTTING_DOWN',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /**
   * A request for a method clients serve (a handler of it registered on this hub node) found
   * no live handler: retry later. A method nobody serves and no hub route matches is NOT_FOUND.
   */
  NO_RESPONDERS: 'NO_RESPONDERS',
  /** The handler serving a call went away (its connection closed) before it answered. */
  HANDLER_GONE: 'HANDLER_GONE',
  /** The call was cancelled: by its caller (an aborted signal) or because the caller left. */
  CANCELLED: 'CANCELLED',
  /** A connection has too many calls in flight (as caller), or every handler of a method does. */
  TOO_MANY_CALLS: 'TOO_MANY_CALLS',
  /** A connection would serve more methods than the hub allows. */
  TOO_MANY_HANDLERS: 'TOO_MANY_HANDLERS',
  /** The method is served by handlers of another group (`details.group`). */
  HANDLER_CONFLICT: 'HANDLER_CONFLICT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES = Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCode, value);
}

export interface SwitchboardErrorOptions {
  cause?: unknown;
  /** Machine-readable context, e.g. `{ field: 'topic' }` or the supported versions. */
  details?: Record<string, unknown>;
}

/** The one error type of Switchboard: thrown in code and carried in `error` frames. */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  /** Wraps anything thrown into a SwitchboardError, keeping the original as `cause`. */
  static from(error: unknown, fallback: ErrorCode = ErrorCode.INTERNAL_ERROR): SwitchboardError {
    if (error instanceof SwitchboardError) return error;
    return new SwitchboardError(fallback, describe(error) || fallback, { cause: error });
  }
}

// String() throws on null-prototype objects and on objects whose toString throws; `from()` is
// called in catch blocks and must not throw itself.
function describe(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : String(error);
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}

/**
 * WebSocket close codes used by the hub. 4000-4999 is the application range (RFC 6455 7.4.2).
 */
export const CloseCode = {
  NORMAL: 1000,
  /** Server shutting down: reconnect, possibly elsewhere. */
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
  AUTHENTICATION_FAILED: 4001,
  AUTHENTICATION_TIMEOUT: 4002,
  UNSUPPORTED_VERSION: 4003,
  /** Outbound queue overflowed under the `disconnect` backpressure policy. */
  SLOW_CONSUMER: 4004,
  /** The peer stopped answering heartbeats. */
  HEARTBEAT_TIMEOUT: 4005,
  /** Removed by `server.disconnectClient`. */
  KICKED: 4006,
  /** The handshake frame was missing or malformed. */
  HANDSHAKE_FAILED: 4007,
  /** The credential expired without a successful in-band refresh: reconnect with a fresh token. */
  TOKEN_EXPIRED: 4008,
  /** The principal's credentials were revoked (`server.revoke`): the same token will not do. */
  REVOKED: 4009,
  /**
   * Refused by a rate limit too often under the `disconnect` policy (4029 echoes HTTP 429).
   * Reconnecting is allowed: with backoff, the buckets have refilled.
   */
  RATE_LIMITED: 4029,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client must not reconnect on its own: retrying cannot help. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.AUTHENTICATION_FAILED,
  CloseCode.UNSUPPORTED_VERSION,
  CloseCode.KICKED,
  CloseCode.REVOKED,
]);
