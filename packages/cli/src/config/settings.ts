/**
 * The config keys that environment variables and `serve` flags can set. One table, so the
 * flags, the variables and the README cannot disagree (a test checks the README lists
 * every variable and flag here).
 */
export interface Setting {
  /** Where the value goes in the config (`limits.maxConnections`). */
  readonly path: readonly string[];
  /** `SWITCHBOARD_*` environment variable. */
  readonly env: string;
  /** `serve` flag, without the dashes. */
  readonly flag?: string;
  /** How the text of a variable or flag becomes a config value. */
  readonly kind: 'string' | 'integer' | 'boolean' | 'tokens' | 'path' | 'list';
  readonly description: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    path: ['port'],
    env: 'SWITCHBOARD_PORT',
    flag: 'port',
    kind: 'integer',
    description: 'port to listen on (0: any free port)',
  },
  {
    path: ['host'],
    env: 'SWITCHBOARD_HOST',
    flag: 'host',
    kind: 'string',
    description: 'interface to bind',
  },
  {
    path: ['path'],
    env: 'SWITCHBOARD_PATH',
    flag: 'path',
    kind: 'string',
    description: 'WebSocket path',
  },
  {
    path: ['name'],
    env: 'SWITCHBOARD_NAME',
    flag: 'name',
    kind: 'string',
    description: 'hub name in welcome and /health',
  },
  {
    path: ['tls', 'cert'],
    env: 'SWITCHBOARD_TLS_CERT',
    flag: 'tls-cert',
    kind: 'path',
    description: 'PEM certificate file (serves wss://)',
  },
  {
    path: ['tls', 'key'],
    env: 'SWITCHBOARD_TLS_KEY',
    flag: 'tls-key',
    kind: 'path',
    description: 'PEM private key file',
  },
  {
    path: ['auth', 'tokens'],
    env: 'SWITCHBOARD_TOKENS',
    kind: 'tokens',
    description: 'static tokens: "id:token,id:token" or the JSON list of auth.tokens',
  },
  {
    path: ['auth', 'allowAnonymous'],
    env: 'SWITCHBOARD_ALLOW_ANONYMOUS',
    flag: 'allow-anonymous',
    kind: 'boolean',
    description: 'allow anonymous clients on a non-loopback host',
  },
  {
    path: ['auth', 'jwt', 'secret'],
    env: 'SWITCHBOARD_JWT_SECRET',
    kind: 'string',
    description: 'JWT HMAC secret, at least 32 bytes (no flag: a flag shows in ps)',
  },
  {
    path: ['auth', 'jwt', 'publicKey'],
    env: 'SWITCHBOARD_JWT_PUBLIC_KEY',
    flag: 'jwt-public-key',
    kind: 'path',
    description: 'PEM public key file that verifies JWTs',
  },
  {
    path: ['auth', 'jwt', 'jwksUrl'],
    env: 'SWITCHBOARD_JWT_JWKS_URL',
    flag: 'jwt-jwks-url',
    kind: 'string',
    description: 'JSON Web Key Set URL that verifies JWTs',
  },
  {
    path: ['auth', 'jwt', 'issuer'],
    env: 'SWITCHBOARD_JWT_ISSUER',
    flag: 'jwt-issuer',
    kind: 'string',
    description: 'accepted JWT iss',
  },
  {
    path: ['auth', 'jwt', 'audience'],
    env: 'SWITCHBOARD_JWT_AUDIENCE',
    flag: 'jwt-audience',
    kind: 'string',
    description: 'accepted JWT aud',
  },
  {
    path: ['auth', 'jwt', 'algorithms'],
    env: 'SWITCHBOARD_JWT_ALGORITHMS',
    flag: 'jwt-algorithms',
    kind: 'list',
    description: 'accepted JWT alg values, comma-separated',
  },
  {
    path: ['auth', 'jwt', 'clockToleranceMs'],
    env: 'SWITCHBOARD_JWT_CLOCK_TOLERANCE_MS',
    flag: 'jwt-clock-tolerance-ms',
    kind: 'integer',
    description: 'clock skew allowed for JWT exp/nbf/iat, ms',
  },
  {
    path: ['heartbeatIntervalMs'],
    env: 'SWITCHBOARD_HEARTBEAT_INTERVAL_MS',
    flag: 'heartbeat-interval-ms',
    kind: 'integer',
    description: 'protocol ping interval, ms',
  },
  {
    path: ['limits', 'maxConnections'],
    env: 'SWITCHBOARD_MAX_CONNECTIONS',
    flag: 'max-connections',
    kind: 'integer',
    description: 'connections beyond this get HTTP 503',
  },
  {
    path: ['limits', 'maxPayload'],
    env: 'SWITCHBOARD_MAX_PAYLOAD',
    flag: 'max-payload',
    kind: 'integer',
    description: 'largest inbound message, bytes',
  },
  {
    path: ['history', 'historySize'],
    env: 'SWITCHBOARD_HISTORY_SIZE',
    flag: 'history-size',
    kind: 'integer',
    description: 'events kept in history',
  },
  {
    path: ['history', 'historyTtlMs'],
    env: 'SWITCHBOARD_HISTORY_TTL_MS',
    flag: 'history-ttl-ms',
    kind: 'integer',
    description: 'age limit of history, ms',
  },
  {
    path: ['history', 'historyBytes'],
    env: 'SWITCHBOARD_HISTORY_BYTES',
    flag: 'history-bytes',
    kind: 'integer',
    description: 'bytes of history kept',
  },
  {
    path: ['history', 'retainedBytes'],
    env: 'SWITCHBOARD_RETAINED_BYTES',
    flag: 'retained-bytes',
    kind: 'integer',
    description: 'bytes of last values kept for topics with no history left',
  },
  {
    path: ['engine', 'type'],
    env: 'SWITCHBOARD_ENGINE',
    flag: 'engine',
    kind: 'string',
    description: 'engine type: memory or redis',
  },
  {
    path: ['engine', 'url'],
    env: 'SWITCHBOARD_ENGINE_URL',
    kind: 'string',
    description: 'redis:// URL of the redis engine (no flag: it may hold a password)',
  },
  {
    path: ['engine', 'keyPrefix'],
    env: 'SWITCHBOARD_ENGINE_KEY_PREFIX',
    flag: 'engine-key-prefix',
    kind: 'string',
    description: 'name of the log in Redis (nodes with the same one share it)',
  },
  {
    path: ['metrics'],
    env: 'SWITCHBOARD_METRICS',
    flag: 'metrics',
    kind: 'boolean',
    description: 'serve Prometheus metrics at GET /metrics',
  },
  {
    path: ['log', 'level'],
    env: 'SWITCHBOARD_LOG_LEVEL',
    flag: 'log-level',
    kind: 'string',
    description: 'JSON log level on stderr: fatal … trace, or silent',
  },
  {
    path: ['admin', 'enabled'],
    env: 'SWITCHBOARD_ADMIN',
    flag: 'admin',
    kind: 'boolean',
    description: 'serve the admin page at /admin (needs an admin token)',
  },
  {
    path: ['admin', 'token'],
    env: 'SWITCHBOARD_ADMIN_TOKEN',
    flag: 'admin-token',
    kind: 'string',
    description: 'token of the admin page and its JSON API (16+ characters)',
  },
  {
    path: ['kpi', 'intervalMs'],
    env: 'SWITCHBOARD_KPI_INTERVAL_MS',
    flag: 'kpi-interval-ms',
    kind: 'integer',
    description: 'KPI snapshots on $metrics every this many ms (0: off)',
  },
];

/** `SWITCHBOARD_CONFIG`: the config file when `--config` is not given. */
export const CONFIG_ENV = 'SWITCHBOARD_CONFIG';
