import { ErrorCode, SwitchboardError } from '@switchboard/protocol';

/** What a script can tell from `$?` (README, "Exit codes"). */
export const ExitCode = {
  /** Done: the command did what it was asked. */
  OK: 0,
  /** Failed for another reason (a bench that delivered nothing, an unexpected error). */
  FAILURE: 1,
  /** A bad argument, flag, config file or environment variable; nothing was attempted. */
  USAGE: 2,
  /** The hub could not be reached, the connection dropped, or an answer did not come in time. */
  UNREACHABLE: 3,
  /** The hub refused: bad or missing token, not allowed by the ACL, rate limited, version. */
  REFUSED: 4,
  /** The hub answered the request or publish with an error (NOT_FOUND, INVALID_TOPIC, a handler's code...). */
  HUB_ERROR: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a message (no stack) and a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A usage or configuration error (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.USAGE);
}

const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.CONNECTION_CLOSED,
  ErrorCode.NOT_CONNECTED,
  ErrorCode.TIMEOUT,
  ErrorCode.SERVER_SHUTTING_DOWN,
  ErrorCode.QUEUE_FULL,
]);

const REFUSED_CODES: ReadonlySet<string> = new Set([
  ErrorCode.AUTHENTICATION_FAILED,
  ErrorCode.AUTHENTICATION_REQUIRED,
  ErrorCode.AUTHENTICATION_TIMEOUT,
  ErrorCode.FORBIDDEN,
  ErrorCode.PATTERN_TOO_COMPLEX,
  ErrorCode.RATE_LIMIT_EXCEEDED,
  ErrorCode.RATE_LIMITED,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.TOO_MANY_SUBSCRIPTIONS,
]);

/** Node's socket errors that mean "nobody answered there". */
const NETWORK_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/** The exit code of any error a command ends with. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof SwitchboardError) {
    if (UNREACHABLE_CODES.has(error.code)) return ExitCode.UNREACHABLE;
    if (REFUSED_CODES.has(error.code)) return ExitCode.REFUSED;
    return ExitCode.HUB_ERROR;
  }
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && NETWORK_ERRNOS.has(errno)) return ExitCode.UNREACHABLE;
  if (typeof errno === 'string' && /^(ERR_TLS|CERT_|DEPTH_|SELF_SIGNED|UNABLE_TO)/.test(errno)) {
    return ExitCode.UNREACHABLE;
  }
  return ExitCode.FAILURE;
}

/** One line for stderr: the hub's code when there is one, never a stack for expected failures. */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof SwitchboardError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) {
    const errno = (error as { code?: unknown }).code;
    return typeof errno === 'string' && !error.message.includes(errno)
      ? `${errno}: ${error.message}`
      : error.message;
  }
  return String(error);
}
