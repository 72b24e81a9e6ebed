import {
  CloseCode,
  ErrorCode,
  SwitchboardError,
  TERMINAL_CLOSE_CODES,
} from '@switchboard/protocol';

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

const CLOSE_CODE_ERRORS: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [CloseCode.AUTHENTICATION_FAILED, ErrorCode.AUTHENTICATION_FAILED],
  [CloseCode.AUTHENTICATION_TIMEOUT, ErrorCode.AUTHENTICATION_TIMEOUT],
  [CloseCode.UNSUPPORTED_VERSION, ErrorCode.UNSUPPORTED_VERSION],
  [CloseCode.GOING_AWAY, ErrorCode.SERVER_SHUTTING_DOWN],
  [CloseCode.MESSAGE_TOO_BIG, ErrorCode.PAYLOAD_TOO_LARGE],
  [CloseCode.TRY_AGAIN_LATER, ErrorCode.RATE_LIMITED],
  [CloseCode.TOKEN_EXPIRED, ErrorCode.TOKEN_EXPIRED],
  [CloseCode.REVOKED, ErrorCode.AUTHENTICATION_FAILED],
]);

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
  const errorCode = CLOSE_CODE_ERRORS.get(code) ?? ErrorCode.CONNECTION_CLOSED;
  const why = reason || transportError;
  const message = `Connection closed (code ${code}${why ? `: ${why}` : ''})`;
  return {
    error: new SwitchboardError(errorCode, message, { details: { closeCode: code, reason } }),
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
