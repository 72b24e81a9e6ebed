import { checkPattern, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { checkRateLimitOptions, type RateLimitOptions } from './rate-limit-options.ts';

/**
 * Who is on the other end of a connection. `subscribe` and `publish` list the patterns the
 * principal may use, `request` the patterns over method names it may call (`tasks.*`),
 * `serve` those it may serve as a client-hosted handler (`agent.7.#`); absent means
 * unrestricted. `rateLimits` overrides the server's `rateLimit`, key by key.
 * `expiresAt` (ms since 1970-01-01 UTC, e.g. a JWT's `exp` * 1000) is when its credential
 * stops being valid: the hub asks for a refresh before then and closes the connection (4008)
 * after it.
 */
export interface Principal {
  id: string;
  subscribe?: readonly string[];
  publish?: readonly string[];
  request?: readonly string[];
  serve?: readonly string[];
  rateLimits?: RateLimitOptions;
  expiresAt?: number;
  [key: string]: unknown;
}

/** Turns what `authenticate` returned into a principal, or throws AUTHENTICATION_FAILED. */
export function toPrincipal(result: unknown, connectionId: string): Principal {
  if (result === true) return { id: connectionId };
  if (typeof result !== 'object' || result === null) {
    throw new SwitchboardError(ErrorCode.AUTHENTICATION_FAILED, 'Authentication failed');
  }
  const candidate = result as Record<string, unknown>;
  const id = candidate.id === undefined ? connectionId : candidate.id;
  if (typeof id !== 'string' || id.length === 0) {
    throw new SwitchboardError(
      ErrorCode.INTERNAL_ERROR,
      'authenticate() returned a principal whose "id" is not a non-empty string',
    );
  }
  for (const key of ['subscribe', 'publish', 'request', 'serve'] as const) {
    const list = candidate[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((p) => !checkPattern(p).ok)) {
      throw new SwitchboardError(
        ErrorCode.INTERNAL_ERROR,
        `authenticate() returned a principal whose "${key}" is not a list of valid patterns`,
      );
    }
  }
  try {
    checkRateLimitOptions('authenticate() principal', 'rateLimits', candidate.rateLimits);
  } catch (error) {
    throw new SwitchboardError(ErrorCode.INTERNAL_ERROR, (error as Error).message, {
      cause: error,
    });
  }
  const expiresAt = candidate.expiresAt;
  if (expiresAt !== undefined && !(typeof expiresAt === 'number' && Number.isFinite(expiresAt))) {
    throw new SwitchboardError(
      ErrorCode.INTERNAL_ERROR,
      'authenticate() returned a principal whose "expiresAt" is not a time in ms since 1970',
    );
  }
  return { ...candidate, id } as Principal;
}
