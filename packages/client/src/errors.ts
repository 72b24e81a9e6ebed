import {
  CloseCode,
  ErrorCode,
  SwitchboardError,
  TERMINAL_CLOSE_CODES,
} from '@switchboard/protocol/wire';

/** Error codes of a handshake refusal after which retrying cannot help. */
const TERMINAL_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.AUTHENTICATION_FAILED,
  ErrorCode.UNSUPPORTED_VERSION,
]);

export function isTerminalErrorCode(code: ErrorCode): boolean {
  return TERMINAL_ERROR_CODES.has(code);
}

export function isTerminalCloseCode(code: number): boolean {
  return TERMINAL_CLOSE_CODES.has(code);
}

/**
 * What each documented close code means to a caller: the error code it surfaces as, and a
 * sentence for the message. Keyed by every `CloseCode`, so a code added to the protocol fails to
 * compile here until the client says what it means.
 */
const CLOSE_CODE_MEANINGS = {
  [CloseCode.NORMAL]: [ErrorCode.CONNECTION_CLOSED, 'closed normally'],
  [CloseCode.GOING_AWAY]: [ErrorCode.SERVER_SHUTTING_DOWN, 'the hub is shutting down'],
  [CloseCode.PROTOCOL_ERROR]: [ErrorCode.INVALID_MESSAGE, 'WebSocket protocol error'],
  [CloseCode.POLICY_VIOLATION]: [ErrorCode.FORBIDDEN, 'a hub policy was violated'],
  [CloseCode.MESSAGE_TOO_BIG]: [
    ErrorCode.PAYLOAD_TOO_LARGE,
    'a message was larger than the hub accepts',
  ],
  [CloseCode.INTERNAL_ERROR]: [ErrorCode.INTERNAL_ERROR, 'unexpected failure in the hub'],
  [CloseCode.TRY_AGAIN_LATER]: [ErrorCode.RATE_LIMITED, 'the hub is overloaded, try again later'],
  [CloseCode.AUTHENTICATION_FAILED]: [ErrorCode.AUTHENTICATION_FAILED, 'the token was rejected'],
  [CloseCode.AUTHENTICATION_TIMEOUT]: [
    ErrorCode.AUTHENTICATION_TIMEOUT,
    'no valid token within the auth timeout',
  ],
  [CloseCode.UNSUPPORTED_VERSION]: [ErrorCode.UNSUPPORTED_VERSION, 'no protocol version in common'],
  [CloseCode.SLOW_CONSUMER]: [
    ErrorCode.CONNECTION_CLOSED,
    'slow consumer: the connection did not read its events or replies fast enough',
  ],
  [CloseCode.HEARTBEAT_TIMEOUT]: [ErrorCode.CONNECTION_CLOSED, 'heartbeats stopped'],
  [CloseCode.KICKED]: [ErrorCode.CONNECTION_CLOSED, 'removed by the hub'],
  [CloseCode.HANDSHAKE_FAILED]: [ErrorCode.INVALID_MESSAGE, 'the handshake failed'],
  [CloseCode.TOKEN_EXPIRED]: [ErrorCode.TOKEN_EXPIRED, 'the credential expired'],
  [CloseCode.REVOKED]: [ErrorCode.AUTHENTICATION_FAILED, 'the credentials were revoked'],
  [CloseCode.RATE_LIMITED]: [
    ErrorCode.RATE_LIMIT_EXCEEDED,
    "refused by the hub's rate limits too often; reconnect after a backoff",
  ],
} as const satisfies Record<CloseCode, readonly [ErrorCode, string]>;

const CLOSE_CODE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(CloseCode).map(([name, code]) => [code, name]),
);

/** The error code and meaning of a close code; unknown codes are CONNECTION_CLOSED. */
export function closeMeaning(code: number): {
  errorCode: ErrorCode;
  name?: string;
  meaning?: string;
} {
  const known = (CLOSE_CODE_MEANINGS as Record<number, readonly [ErrorCode, string]>)[code];
  if (known === undefined) return { errorCode: ErrorCode.CONNECTION_CLOSED };
  return { errorCode: known[0], name: CLOSE_CODE_NAMES.get(code)!, meaning: known[1] };
}

// `ws` reports an HTTP refusal of the upgrade as "Unexpected server response: 401".
const HTTP_REFUSAL = /Unexpected server response: (\d{3})/;

export interface CloseFailure {
  error: SwitchboardError;
  terminal: boolean;
}

/**
 * Turns a close (and the transport error before it, if any) into the error a caller sees.
 * Used when only the close arrived, without an `error` frame explaining it.
 */
export function closeFailure(code: number, reason: string, transportError?: string): CloseFailure {
  const status = transportError === undefined ? undefined : HTTP_REFUSAL.exec(transportError)?.[1];
  if (status === '401' || status === '403') {
    return {
      error: new SwitchboardError(
        ErrorCode.AUTHENTICATION_FAILED,
        `The hub refused the upgrade with HTTP ${status}`,
        { details: { status: Number(status) } },
      ),
      terminal: true,
    };
  }
  const { errorCode, name, meaning } = closeMeaning(code);
  const why = reason || transportError;
  const what = name === undefined ? `code ${code}` : `code ${code} ${name}: ${meaning}`;
  const message = `Connection closed (${what}${why ? `; ${why}` : ''})`;
  const details = { closeCode: code, ...(name === undefined ? {} : { closeName: name }), reason };
  return {
    error: new SwitchboardError(errorCode, message, { details }),
    terminal: isTerminalCloseCode(code),
  };
}

export function connectionClosed(message: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.CONNECTION_CLOSED,
    message,
    cause === undefined ? {} : { cause },
  );
}
