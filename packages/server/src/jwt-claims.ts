import { checkPattern, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type { JWTPayload } from 'jose';
import type { Principal } from './principal.ts';

/**
 * Where a claim is: a string names one top-level claim, dots included (`'sw.sub'` is the
 * claim `"sw.sub"`, and `'https://example.com/roles'` works too); an array is a path into
 * nested objects (`['sw', 'sub']` is `{ "sw": { "sub": ... } }`).
 */
export type ClaimPath = string | readonly string[];

/** Which claims become the principal. `null` leaves that list out: unrestricted. */
export interface JwtClaimMapping {
  /** The principal id. @default 'sub' */
  id?: ClaimPath;
  /** Patterns the principal may subscribe to. @default 'sw.sub' */
  subscribe?: ClaimPath | null;
  /** Patterns the principal may publish on. @default 'sw.pub' */
  publish?: ClaimPath | null;
  /** Patterns over the request methods the principal may call. @default 'sw.req' */
  request?: ClaimPath | null;
  /** Patterns over the methods the principal may serve as a client-hosted handler. @default 'sw.srv' */
  serve?: ClaimPath | null;
}

export const DEFAULT_CLAIMS = {
  id: 'sub',
  subscribe: 'sw.sub',
  publish: 'sw.pub',
  request: 'sw.req',
  serve: 'sw.srv',
} as const satisfies JwtClaimMapping;

export type ResolvedClaimMapping = {
  id: ClaimPath;
  subscribe: ClaimPath | null;
  publish: ClaimPath | null;
  request: ClaimPath | null;
  serve: ClaimPath | null;
};

/** A principal verified from a JWT: its claims are kept for route middleware and `isRevoked`. */
export interface JwtPrincipal extends Principal {
  /** The verified claims set (never the token itself). */
  claims: JWTPayload;
}

function refused(reason: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.AUTHENTICATION_FAILED, `Authentication failed: ${reason}`);
}

function claimName(path: ClaimPath): string {
  return typeof path === 'string' ? path : path.join('.');
}

function readClaim(payload: JWTPayload, path: ClaimPath): unknown {
  if (typeof path === 'string') return payload[path];
  let value: unknown = payload;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A claim holding patterns: a list, or one pattern as a string. Absent means none: a token
 * grants only what it says (deny by default).
 */
function readPatterns(payload: JWTPayload, path: ClaimPath): string[] {
  const value = readClaim(payload, path);
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || !checkPattern(p).ok)) {
    throw refused(`claim "${claimName(path)}" is not a list of valid patterns`);
  }
  return list as string[];
}

/**
 * The principal a verified claims set stands for. `expiresAt` is `exp` plus the clock
 * tolerance the token was accepted with, so a token let in by the tolerance is not
 * refused as expired by the hub a moment later.
 */
export function principalFromClaims(
  payload: JWTPayload,
  mapping: ResolvedClaimMapping,
  clockToleranceMs: number,
): JwtPrincipal {
  const id = readClaim(payload, mapping.id);
  if (typeof id !== 'string' || id.length === 0) {
    throw refused(`token has no "${claimName(mapping.id)}" claim naming the principal`);
  }
  const principal: JwtPrincipal = { id, claims: payload };
  if (mapping.subscribe !== null) principal.subscribe = readPatterns(payload, mapping.subscribe);
  if (mapping.publish !== null) principal.publish = readPatterns(payload, mapping.publish);
  if (mapping.request !== null) principal.request = readPatterns(payload, mapping.request);
  if (mapping.serve !== null) principal.serve = readPatterns(payload, mapping.serve);
  if (typeof payload.exp === 'number') principal.expiresAt = payload.exp * 1000 + clockToleranceMs;
  return principal;
}

const CLAIM_FAILURES: Record<string, string> = {
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'token not valid yet (nbf)',
  iat: 'token issued in the future (iat)',
};

const JOSE_FAILURES: Record<string, string> = {
  ERR_JWT_EXPIRED: 'token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad signature',
  ERR_JOSE_ALG_NOT_ALLOWED: 'signing algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'signing algorithm or key type not supported',
  ERR_JWS_INVALID: 'malformed token',
  ERR_JWT_INVALID: 'malformed token',
  ERR_JWKS_NO_MATCHING_KEY: 'no key of the key set matches the token',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'several keys of the key set match the token',
};

/**
 * What the client is told about a token jose refused: a short reason, never jose's own
 * message nor anything from the token. Failures of the hub itself (the JWKS endpoint down
 * or broken) are not the token's fault: they are returned as they are, so the server
 * reports them as `error` and the client only hears "Authentication failed".
 */
export function describeJoseFailure(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const { claim, reason } = error as { claim?: string; reason?: string };
    const known = claim === undefined ? undefined : CLAIM_FAILURES[claim];
    if (reason === 'missing') return refused(`token has no "${claim}" claim`);
    return refused(known ?? `claim "${claim}" failed its check`);
  }
  const known = typeof code === 'string' ? JOSE_FAILURES[code] : undefined;
  return known === undefined ? error : refused(known);
}
