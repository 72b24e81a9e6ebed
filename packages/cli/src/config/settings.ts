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
  readonly kind: 'string' | 'integer' | 'boolean' | 'tokens' | 'path';
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
    description: 'JWT secret (refused: not wired in this build)',
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
    path: ['engine', 'type'],
    env: 'SWITCHBOARD_ENGINE',
    flag: 'engine',
    kind: 'string',
    description: 'engine type: memory (redis is refused in this build)',
  },
  {
    path: ['engine', 'url'],
    env: 'SWITCHBOARD_ENGINE_URL',
    kind: 'string',
    description: 'engine URL (redis)',
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
