import { checkPattern } from '@switchboard/protocol';
import { REDIS_ENGINE_DEFAULTS } from '@switchboard/redis';
import { MEMORY_ENGINE_DEFAULTS } from '@switchboard/router';
import { WS_ROUTER_DEFAULTS, WS_SERVER_DEFAULTS } from '@switchboard/server';
import { z } from 'zod';

/**
 * The `serve` config file. Defaults come from the packages that own them (WSServer,
 * WSRouter, the memory engine), so they cannot drift; only `port` differs (8080, where
 * WSServer picks a free port). Every object is strict: a misspelt key is an error, never a
 * silently kept default. `config.schema.json` is generated from this (`pnpm schema` in
 * this package; a test fails when it is stale).
 */

const POSITIVE = 'expected a positive integer';

function positiveInteger() {
  return z.int({ error: POSITIVE }).min(1, { error: POSITIVE });
}

function milliseconds(description: string) {
  return positiveInteger().meta({ description: `${description}, in milliseconds` });
}

const pattern = z.string({ error: 'expected a pattern (a string)' }).check((context) => {
  const result = checkPattern(context.value);
  if (!result.ok) {
    context.issues.push({
      code: 'custom',
      message: `invalid pattern "${context.value}": ${result.reason}`,
      input: context.value,
    });
  }
});

const patterns = (description: string) =>
  z.array(pattern, { error: 'expected a list of patterns' }).meta({ description });

const RateLimit = z
  .union(
    [
      z.strictObject({
        maxMessages: positiveInteger().meta({ description: 'frames per window' }),
        windowMs: milliseconds('the window'),
        burst: positiveInteger().optional().meta({
          description: 'frames allowed at once after a quiet period (default maxMessages)',
        }),
      }),
      z.literal(false),
    ],
    { error: 'expected { "maxMessages", "windowMs", "burst"? } or false' },
  )
  .meta({ id: 'RateLimit', description: 'a token bucket, or false for no limit' });

export const RateLimits = z
  .strictObject({
    maxMessages: positiveInteger()
      .optional()
      .meta({ description: 'the seed shorthand: every frame, with windowMs' }),
    windowMs: milliseconds('the shorthand window').optional(),
    messages: RateLimit.optional(),
    publish: RateLimit.optional(),
    subscribe: RateLimit.optional(),
    unsubscribe: RateLimit.optional(),
    request: RateLimit.optional(),
    auth: RateLimit.optional(),
    policy: z
      .enum(['refuse', 'disconnect'], { error: 'expected "refuse" or "disconnect"' })
      .optional(),
    disconnectAfter: positiveInteger().optional(),
    disconnectWindowMs: milliseconds('the disconnect window').optional(),
  })
  .meta({
    id: 'RateLimits',
    description: 'token-bucket rate limits, as WSServer `rateLimit` (server README)',
  });

const TokenEntry = z
  .strictObject({
    token: z.string({ error: 'expected the token (a non-empty string)' }).min(1, {
      error: 'expected the token (a non-empty string)',
    }),
    id: z.string({ error: 'expected the principal id' }).min(1, {
      error: 'expected the principal id',
    }),
    subscribe: patterns('patterns the principal may subscribe to; absent: any').optional(),
    publish: patterns('patterns the principal may publish on; absent: any').optional(),
    request: patterns('patterns over request methods it may call; absent: any').optional(),
    rateLimits: RateLimits.optional(),
  })
  .meta({ id: 'TokenEntry', description: 'a static token and the principal it stands for' });

const oneOrMore = (what: string) =>
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
    error: `expected ${what} (a string or a list of strings)`,
  });

const Jwt = z
  .strictObject({
    secret: z
      .string({ error: 'expected the shared secret (a string of at least 32 bytes)' })
      .min(1)
      .optional()
      .meta({ description: 'HMAC shared secret (HS256/384/512), at least 32 bytes' }),
    publicKey: z
      .string({ error: 'expected the path of a PEM public key' })
      .min(1)
      .optional()
      .meta({ description: 'path of a PEM (SPKI) public key (RS*, PS*, ES*, EdDSA)' }),
    jwksUrl: z
      .url({ error: 'expected the URL of a JSON Web Key Set' })
      .optional()
      .meta({ description: 'URL of a JSON Web Key Set; keys picked by kid and alg' }),
    issuer: oneOrMore('the accepted iss').optional().meta({ description: 'accepted iss' }),
    audience: oneOrMore('the accepted aud').optional().meta({ description: 'accepted aud' }),
    algorithms: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        'accepted alg values (default HS256 with secret; RS256, PS256, ES256, ES384, EdDSA, Ed25519 with keys)',
    }),
    clockToleranceMs: z
      .int({ error: 'expected a whole number of milliseconds' })
      .min(0, { error: 'expected a whole number of milliseconds' })
      .optional()
      .meta({ description: 'clock skew allowed for exp, nbf and iat, in milliseconds (0)' }),
    requireExpiry: z
      .boolean({ error: 'expected true or false' })
      .optional()
      .meta({ description: 'refuse tokens without exp (true)' }),
  })
  .meta({
    description:
      'JWT verification (jwtAuthenticator of @switchboard/server): exactly one of secret, publicKey, jwksUrl',
  });

const Auth = z.strictObject({
  tokens: z
    .array(TokenEntry, { error: 'expected a list of { "token", "id", ... }' })
    .optional()
    .meta({ description: 'static tokens; with any, every client needs one' }),
  allowAnonymous: z
    .boolean({ error: 'expected true or false' })
    .default(WS_SERVER_DEFAULTS.allowAnonymous)
    .meta({ description: 'without tokens, allow anonymous clients on a non-loopback host' }),
  timeoutMs: milliseconds('time to finish the handshake and authentication').default(
    WS_SERVER_DEFAULTS.authTimeoutMs,
  ),
  jwt: Jwt.optional(),
});

const Tls = z.strictObject({
  cert: z.string({ error: 'expected the path of a PEM certificate' }).min(1),
  key: z.string({ error: 'expected the path of a PEM private key' }).min(1),
  ca: z.string().min(1).optional().meta({ description: 'path of a PEM CA bundle' }),
  passphrase: z.string().optional(),
});

const Limits = z.strictObject({
  maxConnections: positiveInteger().default(WS_SERVER_DEFAULTS.maxConnections),
  maxPayload: positiveInteger()
    .default(WS_SERVER_DEFAULTS.maxPayload)
    .meta({ description: 'largest inbound message, bytes' }),
  maxSubscriptionsPerClient: positiveInteger().default(
    WS_ROUTER_DEFAULTS.maxSubscriptionsPerClient,
  ),
  queueSize: positiveInteger()
    .default(WS_ROUTER_DEFAULTS.queueSize)
    .meta({ description: 'events queued per connection before the slow-consumer policy' }),
  queueBytes: positiveInteger()
    .default(WS_ROUTER_DEFAULTS.queueBytes)
    .meta({ description: 'bytes queued per connection' }),
  slowConsumerPolicy: z
    .enum(['drop-oldest', 'disconnect'], { error: 'expected "drop-oldest" or "disconnect"' })
    .default(WS_ROUTER_DEFAULTS.slowConsumerPolicy),
  maxReplay: positiveInteger()
    .default(WS_ROUTER_DEFAULTS.maxReplay)
    .meta({ description: 'most events one subscribe may replay' }),
  rateLimit: RateLimits.optional(),
});

const History = z.strictObject({
  historySize: positiveInteger()
    .default(MEMORY_ENGINE_DEFAULTS.historySize)
    .meta({ description: 'events kept for replay and idempotent publish' }),
  historyTtlMs: milliseconds('age after which events leave history').default(
    MEMORY_ENGINE_DEFAULTS.historyTtlMs,
  ),
  historyBytes: positiveInteger()
    .default(MEMORY_ENGINE_DEFAULTS.historyBytes)
    .meta({ description: 'bytes of history kept (the newest entry always stays)' }),
  retainedBytes: positiveInteger()
    .default(MEMORY_ENGINE_DEFAULTS.retainedBytes)
    .meta({ description: 'bytes of last values kept for topics with no history left' }),
});

const Engine = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('memory') }),
      z.strictObject({
        type: z.literal('redis'),
        url: z
          .string({ error: 'expected a redis:// or rediss:// URL' })
          .regex(/^rediss?:\/\//, { error: 'expected a redis:// or rediss:// URL' })
          .meta({ description: 'redis:// or rediss:// (TLS) URL' }),
        keyPrefix: z.string().min(1).default(REDIS_ENGINE_DEFAULTS.keyPrefix).meta({
          description: 'names the log: every node with the same URL and prefix shares it',
        }),
      }),
    ],
    { error: 'expected "memory" or "redis"' },
  )
  .meta({
    description:
      'where the log lives: "memory" (this process) or "redis" (shared by every node on it)',
  });

const Metrics = z
  .boolean({ error: 'expected true or false' })
  .default(false)
  .meta({ description: 'serve Prometheus metrics at GET /metrics' });

const Log = z.strictObject({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info')
    .meta({ description: 'level of the JSON log lines written to stderr' }),
});

const Admin = z
  .strictObject({
    enabled: z
      .boolean({ error: 'expected true or false' })
      .default(false)
      .meta({ description: 'serve the admin page at /admin (needs admin.token)' }),
    token: z
      .string({ error: 'expected the admin token (a string of at least 16 characters)' })
      .min(16, { error: 'expected the admin token (a string of at least 16 characters)' })
      .optional()
      .meta({ description: 'the admin page and its JSON API ask for it; not a client token' }),
  })
  .meta({ description: 'the admin page (switchboard serve --admin)' });

const Kpi = z
  .strictObject({
    intervalMs: z
      .int({ error: 'expected a whole number of milliseconds (0: off)' })
      .min(0, { error: 'expected a whole number of milliseconds (0: off)' })
      .default(WS_SERVER_DEFAULTS.metricsIntervalMs)
      .meta({ description: 'interval of the KPI snapshots on $metrics, in milliseconds; 0: off' }),
  })
  .meta({ description: 'the metrics channel ($metrics)' });

export const HubConfig = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'path or URL of this schema' }),
    name: z
      .string()
      .min(1)
      .default(WS_SERVER_DEFAULTS.name)
      .meta({ description: 'reported in welcome and /health' }),
    host: z.string().min(1).default(WS_SERVER_DEFAULTS.host).meta({
      description: 'interface to bind',
    }),
    port: z
      .int({ error: 'expected a port (an integer from 0 to 65535)' })
      .min(0, { error: 'expected a port (an integer from 0 to 65535)' })
      .max(65535, { error: 'expected a port (an integer from 0 to 65535)' })
      .default(8080)
      .meta({ description: 'port to listen on; 0 picks a free one' }),
    path: z
      .string()
      .regex(/^\//, { error: 'expected a path starting with "/"' })
      .optional()
      .meta({ description: 'only upgrade requests for this path (any when absent)' }),
    tls: Tls.optional().meta({ description: 'serve wss:// and https:// with these files' }),
    heartbeatIntervalMs: milliseconds('protocol ping interval').default(
      WS_SERVER_DEFAULTS.heartbeatIntervalMs,
    ),
    shutdownTimeoutMs: milliseconds('how long a drain lets queued frames flush').default(
      WS_SERVER_DEFAULTS.shutdownTimeoutMs,
    ),
    auth: Auth.prefault({}),
    limits: Limits.prefault({}),
    history: History.prefault({}),
    engine: Engine.default({ type: 'memory' }),
    admin: Admin.prefault({}),
    kpi: Kpi.prefault({}),
    metrics: Metrics,
    log: Log.prefault({}),
  })
  .meta({ title: 'Switchboard hub configuration (switchboard serve)' });

export type HubConfig = z.output<typeof HubConfig>;
export type HubConfigInput = z.input<typeof HubConfig>;
