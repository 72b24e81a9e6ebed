import { checkInteger, checkKnownOptions, checkOneOf, MAX_TIMER_MS } from '@switchboard/protocol';
import type { BucketSpec } from './token-bucket.ts';

/**
 * One limit: `maxMessages` frames per `windowMs`, as a token bucket that holds `burst` tokens
 * (default `maxMessages`) and refills continuously at `maxMessages / windowMs`.
 */
export interface RateLimit {
  maxMessages: number;
  windowMs: number;
  /** Frames allowed at once after a quiet period. @default maxMessages */
  burst?: number;
}

/** The frame types with a bucket of their own. */
export type RateLimitedFrameType = 'publish' | 'subscribe' | 'unsubscribe' | 'request' | 'auth';

/**
 * Rate limits (WSServer `rateLimit`, or a principal's `rateLimits` overriding them key by key).
 * Buckets belong to the principal when `authenticate` named one (its connections share them),
 * otherwise to the connection. A frame takes a token from `messages` and from its type's
 * bucket, and passes only when both have one. `false` removes a limit.
 */
export interface RateLimitOptions {
  /** The seed's shorthand for `messages: { maxMessages, windowMs }`; give both or neither. */
  maxMessages?: number;
  /** See `maxMessages`. */
  windowMs?: number;
  /**
   * Every frame a client sends except ping and pong (and the handshake's hello and first auth,
   * and the frames of calls under way: reply, chunk, end, fail, cancel, credit).
   */
  messages?: RateLimit | false;
  publish?: RateLimit | false;
  subscribe?: RateLimit | false;
  unsubscribe?: RateLimit | false;
  request?: RateLimit | false;
  /** `auth` frames of an open connection (token refresh). @default 10 per 60 000 ms */
  auth?: RateLimit | false;
  /**
   * `'refuse'` answers each excess frame with RATE_LIMIT_EXCEEDED; `'disconnect'` also closes
   * the connection with 4029 (`CloseCode.RATE_LIMITED`) at its `disconnectAfter`-th refusal
   * within `disconnectWindowMs`. @default 'refuse'
   */
  policy?: 'refuse' | 'disconnect';
  /** With policy `'disconnect'`. @default 10 */
  disconnectAfter?: number;
  /** With policy `'disconnect'`, counted from the first refusal of a window. @default 10_000 */
  disconnectWindowMs?: number;
}

export const RATE_LIMITED_FRAME_TYPES = [
  'publish',
  'subscribe',
  'unsubscribe',
  'request',
  'auth',
] as const satisfies readonly RateLimitedFrameType[];

const BUCKET_NAMES = ['messages', ...RATE_LIMITED_FRAME_TYPES] as const;
type BucketName = (typeof BUCKET_NAMES)[number];

export const RATE_LIMIT_DEFAULTS = {
  // A refresh runs `authenticate`, which may reach a database or a key server.
  auth: { maxMessages: 10, windowMs: 60_000 },
  policy: 'refuse',
  disconnectAfter: 10,
  disconnectWindowMs: 10_000,
} as const satisfies RateLimitOptions;

const KNOWN = [
  'maxMessages',
  'windowMs',
  ...BUCKET_NAMES,
  'policy',
  'disconnectAfter',
  'disconnectWindowMs',
] as const;

/** @internal A limit as its bucket needs it, with what the error message quotes. */
export interface LimitSpec extends BucketSpec {
  readonly name: BucketName;
  readonly maxMessages: number;
  readonly windowMs: number;
}

/** @internal Rate limits after defaults and overrides, ready for the stage. */
export interface CompiledLimits {
  readonly buckets: Readonly<Record<BucketName, LimitSpec | undefined>>;
  /** Some limit applies to subscribe, unsubscribe, publish or request frames. */
  readonly routed: boolean;
  /** Refusals within `disconnectWindowMs` that close the connection; Infinity to refuse only. */
  readonly disconnectAfter: number;
  readonly disconnectWindowMs: number;
  /** Equal keys are equal limits (a principal's connections may bring equal copies). */
  readonly key: string;
}

/**
 * Throws a TypeError naming the option (`rateLimit.publish.windowMs`) unless `value` is
 * undefined or valid rate-limit options.
 */
export function checkRateLimitOptions(owner: string, key: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${owner} option "${key}" must be an object`);
  }
  checkKnownOptions(`${owner} option "${key}"`, value, KNOWN);
  const options = value as Record<string, unknown>;
  if ((options.maxMessages === undefined) !== (options.windowMs === undefined)) {
    throw new TypeError(`${owner} options "${key}.maxMessages" and "${key}.windowMs" go together`);
  }
  if (options.maxMessages !== undefined && options.messages !== undefined) {
    throw new TypeError(
      `${owner} options "${key}.maxMessages" and "${key}.messages" conflict: maxMessages and windowMs are the shorthand of messages; pass one of them`,
    );
  }
  checkLimit(owner, key, { maxMessages: options.maxMessages, windowMs: options.windowMs });
  for (const name of BUCKET_NAMES) {
    const limit = options[name];
    if (limit === undefined || limit === false) continue;
    if (typeof limit !== 'object' || limit === null || Array.isArray(limit)) {
      throw new TypeError(
        `${owner} option "${key}.${name}" must be { maxMessages, windowMs, burst? } or false`,
      );
    }
    checkKnownOptions(`${owner} option "${key}.${name}"`, limit, [
      'maxMessages',
      'windowMs',
      'burst',
    ]);
    const { maxMessages, windowMs } = limit as Record<string, unknown>;
    if (maxMessages === undefined || windowMs === undefined) {
      throw new TypeError(`${owner} option "${key}.${name}" needs maxMessages and windowMs`);
    }
    checkLimit(owner, `${key}.${name}`, limit as Record<string, unknown>);
  }
  checkOneOf(owner, `${key}.policy`, options.policy, ['refuse', 'disconnect']);
  checkInteger(owner, `${key}.disconnectAfter`, options.disconnectAfter, { min: 1 });
  checkInteger(owner, `${key}.disconnectWindowMs`, options.disconnectWindowMs, {
    min: 1,
    max: MAX_TIMER_MS,
  });
  const disconnecting = options.disconnectAfter ?? options.disconnectWindowMs;
  if (disconnecting !== undefined && options.policy !== 'disconnect') {
    throw new TypeError(
      `${owner} options "${key}.disconnectAfter" and "${key}.disconnectWindowMs" need "${key}.policy": 'disconnect'`,
    );
  }
}

function checkLimit(owner: string, key: string, limit: Record<string, unknown>): void {
  checkInteger(owner, `${key}.maxMessages`, limit.maxMessages, { min: 1 });
  checkInteger(owner, `${key}.windowMs`, limit.windowMs, { min: 1, max: MAX_TIMER_MS });
  checkInteger(owner, `${key}.burst`, limit.burst, { min: 1 });
}

/**
 * @internal
 * The server's limits with a principal's `rateLimits` over them, key by key, and the defaults
 * under both. Both are assumed checked (`checkRateLimitOptions`).
 */
export function compileLimits(
  server: RateLimitOptions | undefined,
  principal?: RateLimitOptions,
): CompiledLimits {
  const merged: RateLimitOptions = {
    ...RATE_LIMIT_DEFAULTS,
    ...expandShorthand(server),
    ...expandShorthand(principal),
  };
  const buckets = {} as Record<BucketName, LimitSpec | undefined>;
  for (const name of BUCKET_NAMES) {
    const limit = merged[name];
    buckets[name] = limit ? specOf(name, limit) : undefined;
  }
  const disconnect = merged.policy === 'disconnect';
  const disconnectAfter = disconnect ? merged.disconnectAfter! : Number.POSITIVE_INFINITY;
  const disconnectWindowMs = merged.disconnectWindowMs!;
  return {
    buckets,
    routed: BUCKET_NAMES.some((name) => name !== 'auth' && buckets[name] !== undefined),
    disconnectAfter,
    disconnectWindowMs,
    key: JSON.stringify([buckets, disconnectAfter, disconnectWindowMs]),
  };
}

/** `maxMessages` / `windowMs` as the `messages` limit; undefined keys dropped so they cannot erase. */
function expandShorthand(options: RateLimitOptions | undefined): RateLimitOptions {
  if (options === undefined) return {};
  const { maxMessages, windowMs, ...rest } = options;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) if (value !== undefined) out[name] = value;
  if (maxMessages !== undefined && windowMs !== undefined) out.messages = { maxMessages, windowMs };
  return out as RateLimitOptions;
}

function specOf(name: BucketName, limit: RateLimit): LimitSpec {
  return {
    name,
    maxMessages: limit.maxMessages,
    windowMs: limit.windowMs,
    capacity: limit.burst ?? limit.maxMessages,
    perMs: limit.maxMessages / limit.windowMs,
  };
}
