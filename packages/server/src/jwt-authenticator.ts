import { createPublicKey, KeyObject } from 'node:crypto';
import {
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkType,
  MAX_TIMER_MS,
} from '@switchboard/protocol';
import { createRemoteJWKSet, type JWK, type JWTVerifyGetKey, jwtVerify } from 'jose';
import {
  type ClaimPath,
  DEFAULT_CLAIMS,
  describeJoseFailure,
  type JwtClaimMapping,
  type JwtPrincipal,
  principalFromClaims,
  type ResolvedClaimMapping,
} from './jwt-claims.ts';

export interface JwtAuthenticatorOptions {
  /** Shared secret for HS256/HS384/HS512, at least 32 bytes. One of `secret`, `publicKey`, `jwksUrl`. */
  secret?: string | Uint8Array;
  /** Public key for RS*, PS*, ES*, EdDSA: PEM (SPKI), a JWK, a `KeyObject` or a `CryptoKey`. */
  publicKey?: string | JWK | KeyObject | CryptoKey;
  /** URL of a JSON Web Key Set (`/.well-known/jwks.json`); keys are picked by `kid` and `alg`. */
  jwksUrl?: string | URL;
  /**
   * Accepted `alg` values. Symmetric (`HS*`) algorithms go only with `secret`, the others only
   * with keys, so a public key can never be used as an HMAC secret.
   * @default ['HS256'] with `secret`; ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'Ed25519'] with keys
   */
  algorithms?: readonly string[];
  /** Accepted `iss` value(s); unchecked when unset. */
  issuer?: string | readonly string[];
  /** Accepted `aud` value(s); unchecked when unset. */
  audience?: string | readonly string[];
  /** Clock skew allowed for `exp`, `nbf` and `iat`, in ms; it also extends `expiresAt`. @default 0 */
  clockToleranceMs?: number;
  /** Refuse tokens without `exp` (they would never expire). @default true */
  requireExpiry?: boolean;
  /** Which claims become the principal. */
  claims?: JwtClaimMapping;
  /** After the key set was fetched, how long an unknown `kid` waits before another fetch. @default 30_000 */
  jwksCooldownMs?: number;
  /** How long fetched keys are used before they are fetched again. @default 600_000 */
  jwksCacheMaxAgeMs?: number;
  /** Timeout of one key set fetch. @default 5_000 */
  jwksTimeoutMs?: number;
}

/** What `jwtAuthenticator` returns: usable as `WSServer({ authenticate })`. */
export type JwtAuthenticate = (token: string) => Promise<JwtPrincipal>;

const OWNER = 'jwtAuthenticator';
const HMAC = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC = [
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  ...['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
];
const DEFAULT_KEY_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];
/** RFC 7518 3.2: an HMAC key at least as long as the hash output (256 bits for HS256). */
const MIN_SECRET_BYTES = 32;
const KNOWN = [
  ...['secret', 'publicKey', 'jwksUrl', 'algorithms', 'issuer', 'audience', 'clockToleranceMs'],
  ...['requireExpiry', 'claims', 'jwksCooldownMs', 'jwksCacheMaxAgeMs', 'jwksTimeoutMs'],
];

/**
 * An `authenticate` function that verifies JWTs with `jose`: signature (HMAC secret, a
 * public key, or a JWKS URL with caching and key rotation), `exp`/`nbf` with clock
 * tolerance, `iss` and `aud`; then maps the claims to the principal (`sub` → id, `sw.sub` →
 * subscribe, `sw.pub` → publish, `sw.req` → request, `sw.srv` → serve, `exp` → expiresAt). A refused token rejects with
 * AUTHENTICATION_FAILED and a short reason; nothing of the token is ever in a message.
 */
export function jwtAuthenticator(options: JwtAuthenticatorOptions): JwtAuthenticate {
  checkType(OWNER, 'options', options, 'object');
  checkKnownOptions(OWNER, options, KNOWN);
  const keys = (['secret', 'publicKey', 'jwksUrl'] as const).filter((k) => options[k] != null);
  if (keys.length !== 1) {
    throw new TypeError(
      `${OWNER} needs exactly one of "secret", "publicKey" and "jwksUrl"${keys.length > 1 ? `, got ${keys.join(' and ')}` : ''}`,
    );
  }
  const symmetric = keys[0] === 'secret';
  const algorithms = checkAlgorithms(options.algorithms, symmetric);
  const clockToleranceMs = options.clockToleranceMs ?? 0;
  checkInteger(OWNER, 'clockToleranceMs', clockToleranceMs, { min: 0, max: MAX_TIMER_MS });
  checkType(OWNER, 'requireExpiry', options.requireExpiry, 'boolean');
  for (const name of ['jwksCooldownMs', 'jwksCacheMaxAgeMs', 'jwksTimeoutMs'] as const) {
    if (options[name] !== undefined && keys[0] !== 'jwksUrl') {
      throw new TypeError(`${OWNER} option "${name}" needs "jwksUrl"`);
    }
    checkDuration(OWNER, name, options[name], { min: 0 });
  }
  const mapping = resolveClaims(options.claims);
  const verifyOptions = {
    algorithms,
    clockTolerance: clockToleranceMs / 1000,
    ...(options.issuer === undefined ? {} : { issuer: checkNames('issuer', options.issuer) }),
    ...(options.audience === undefined
      ? {}
      : { audience: checkNames('audience', options.audience) }),
    requiredClaims: options.requireExpiry === false ? [] : ['exp'],
  };
  const key = resolveKey(options);
  return async (token) => {
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, key, verifyOptions));
    } catch (error) {
      throw describeJoseFailure(error);
    }
    return principalFromClaims(payload, mapping, clockToleranceMs);
  };
}

function checkAlgorithms(value: readonly string[] | undefined, symmetric: boolean): string[] {
  if (value === undefined) return symmetric ? ['HS256'] : DEFAULT_KEY_ALGORITHMS;
  const allowed = symmetric ? HMAC : ASYMMETRIC;
  if (!Array.isArray(value) || value.length === 0 || value.some((a) => !allowed.includes(a))) {
    throw new TypeError(
      `${OWNER} option "algorithms" must be a non-empty list of ${allowed.join(', ')} with ${symmetric ? '"secret"' : 'a public key or "jwksUrl"'}, got ${JSON.stringify(value)}`,
    );
  }
  return [...value];
}

function checkNames(name: 'issuer' | 'audience', value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || !v)) {
    throw new TypeError(
      `${OWNER} option "${name}" must be a string or a non-empty list of strings`,
    );
  }
  return [...list];
}

function resolveClaims(claims: JwtClaimMapping | undefined): ResolvedClaimMapping {
  checkType(OWNER, 'claims', claims, 'object');
  checkKnownOptions(`${OWNER} option "claims"`, claims ?? {}, [
    'id',
    'subscribe',
    'publish',
    'request',
    'serve',
  ]);
  const resolved = { ...DEFAULT_CLAIMS, ...claims } as ResolvedClaimMapping;
  const isPath = (path: unknown): path is ClaimPath =>
    (typeof path === 'string' && path.length > 0) ||
    (Array.isArray(path) && path.length > 0 && path.every((k) => typeof k === 'string' && k));
  for (const name of ['id', 'subscribe', 'publish', 'request', 'serve'] as const) {
    const path = resolved[name];
    if (path === null && name !== 'id') continue;
    if (!isPath(path)) {
      throw new TypeError(
        `${OWNER} option "claims.${name}" must be a claim name or a path (array of names)${name === 'id' ? '' : ', or null'}`,
      );
    }
  }
  return resolved;
}

function resolveKey(
  options: JwtAuthenticatorOptions,
): Uint8Array | KeyObject | CryptoKey | JWTVerifyGetKey {
  const { secret, publicKey, jwksUrl } = options;
  if (secret !== undefined) {
    const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < MIN_SECRET_BYTES) {
      throw new TypeError(
        `${OWNER} option "secret" must be a string or Uint8Array of at least ${MIN_SECRET_BYTES} bytes`,
      );
    }
    return bytes;
  }
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new TypeError(`${OWNER} option "jwksUrl" is not a valid URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`${OWNER} option "jwksUrl" must be an http: or https: URL`);
    }
    const keySet = createRemoteJWKSet(url, {
      ...(options.jwksCooldownMs === undefined ? {} : { cooldownDuration: options.jwksCooldownMs }),
      ...(options.jwksCacheMaxAgeMs === undefined
        ? {}
        : { cacheMaxAge: options.jwksCacheMaxAgeMs }),
      ...(options.jwksTimeoutMs === undefined ? {} : { timeoutDuration: options.jwksTimeoutMs }),
    });
    return async (header, token) => {
      try {
        return await keySet(header, token);
      } catch (error) {
        const described = describeJoseFailure(error);
        if (described !== error) throw error;
        // The endpoint's failure, not the token's: the server reports it as `error`.
        throw new Error(`Could not get the JSON Web Key Set from ${url.origin}${url.pathname}`, {
          cause: error,
        });
      }
    };
  }
  return publicKeyOf(publicKey);
}

function publicKeyOf(key: JwtAuthenticatorOptions['publicKey']): KeyObject | CryptoKey {
  if (key instanceof KeyObject) {
    if (key.type === 'secret') {
      throw new TypeError(`${OWNER} option "publicKey" is a secret key; use "secret" for HMAC`);
    }
    return key;
  }
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return key;
  try {
    if (typeof key === 'string') return createPublicKey(key);
    if (typeof key === 'object' && key !== null && typeof (key as JWK).kty === 'string') {
      return createPublicKey({ key: key as JWK & { kty: string }, format: 'jwk' });
    }
  } catch (error) {
    throw new TypeError(`${OWNER} option "publicKey" could not be read as a public key`, {
      cause: error,
    });
  }
  throw new TypeError(
    `${OWNER} option "publicKey" must be a PEM string, a JWK, a KeyObject or a CryptoKey`,
  );
}
