import type {
  Server as HttpServer,
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import {
  aliased,
  checkInteger,
  checkKnownOptions,
  checkType,
  MAX_TIMER_MS,
  withDefaults,
} from '@switchboard/protocol';
import type { ClusterBus } from './cluster-bus.ts';
import {
  type DeflateSettings,
  type PerMessageDeflateOptions,
  resolveDeflateOptions,
} from './deflate-options.ts';
import { DEFAULT_READ_BUDGET } from './fair-reads.ts';
import { DEFAULT_FLUSH_SLICE_MS } from './flush-scheduler.ts';
import type { LoggerOption } from './logging.ts';
import type { MetricsOptions } from './metrics-options.ts';
import { checkOrigins } from './origin-policy.ts';
import type { Principal } from './principal.ts';
import { checkRateLimitOptions, type RateLimitOptions } from './rate-limit-options.ts';
import type { ResolvedSseOptions } from './sse-options.ts';
import { resolveSseOptions, type SseOptions } from './sse-options.ts';

/** What `authenticate` learns about the connection besides the token. */
export interface AuthenticationMetadata {
  connectionId: string;
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
  url: string;
  /** Where the token came from. */
  transport: 'frame' | 'header' | 'query';
  /**
   * True for an in-band refresh (an `auth` frame on an open connection). The upgrade request
   * is not kept once a connection is open, so `headers` is then empty and `url` is `'/'`.
   */
  refresh: boolean;
}

/**
 * Verifies a token. Return `true` (anonymous-style principal named after the connection),
 * a principal object (with optional allowed `subscribe`/`publish` patterns), or `false` /
 * throw / reject to refuse.
 */
export type Authenticate = (
  token: string,
  metadata: AuthenticationMetadata,
) => boolean | Principal | Promise<boolean | Principal>;

/**
 * Says whether a credential that passed `authenticate` has been revoked since it was issued
 * (e.g. a JWT `jti` on a denylist: `principal.claims.jti`). Checked at every authentication
 * and every in-band refresh; `true` refuses it with AUTHENTICATION_FAILED.
 */
export type IsRevoked = (principal: Principal, token: string) => boolean | Promise<boolean>;

export interface WSServerOptions {
  /** Port to listen on; 0 picks a free one (read it back from `server.port`). @default 0 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Attach to an existing HTTP server instead of creating one. Conflicts with `port`. */
  server?: HttpServer;
  /** Only upgrade requests for this path; any path when unset. */
  path?: string;
  /** Token check; without it connections are anonymous (loopback only, see `allowAnonymous`). */
  authenticate?: Authenticate;
  /** Checked after `authenticate`, at the handshake and on every refresh (see `IsRevoked`). */
  isRevoked?: IsRevoked;
  /**
   * How `server.cluster` reaches the other hub nodes (e.g. `RedisClusterBus` from
   * `@switchboard/redis`); started with the server, stopped at shutdown.
   * @default a `LocalClusterBus`: a cluster of this node alone
   */
  cluster?: ClusterBus;
  /** Allow anonymous access on a non-loopback interface. @default false */
  allowAnonymous?: boolean;
  /** Time to finish the handshake and authentication before the socket is closed (4002). @default 10_000 */
  authTimeoutMs?: number;
  /** The older name of `authTimeoutMs`, still accepted; giving both with different values is a TypeError. */
  authTimeout?: number;
  /** Protocol-level ping interval; a peer silent for a whole interval is dropped. @default 30_000 */
  heartbeatIntervalMs?: number;
  /** The older name of `heartbeatIntervalMs`, still accepted; giving both with different values is a TypeError. */
  heartbeatInterval?: number;
  /** Connections beyond this are refused at upgrade with HTTP 503. @default 10_000 */
  maxConnections?: number;
  /** Largest accepted message in bytes; bigger gets PAYLOAD_TOO_LARGE and close 1009. @default 1_048_576 */
  maxPayload?: number;
  /**
   * Subscriptions one connection may hold. The limit belongs to the router: this is handed to
   * the WSRouter that attaches, as if given to it (giving both with different values is a
   * TypeError). @default 1_000 (WSRouter's default)
   */
  maxSubscriptionsPerClient?: number;
  /** Time `shutdown()` waits for queued frames to flush before it cuts connections. @default 5_000 */
  shutdownTimeoutMs?: number;
  /**
   * How long one turn of the event loop may spend writing to sockets before reads, acks and
   * timers get a turn; while a flush needs more than one slice, connections that send are
   * paused (see the README, "Backpressure on publishers"). 0 yields every 32 sockets. @default 5
   */
  flushSliceMs?: number;
  /** Serve `GET /health` and `GET /stats` on the HTTP server the hub creates. @default true */
  httpEndpoints?: boolean;
  /**
   * More HTTP routes on the server the hub creates (an admin page, say): asked after `/health`
   * and `/stats`, before the 404; return true when it answered. With `server`, route in your
   * own request listener instead (giving both is a TypeError).
   */
  httpHandler?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /**
   * Frames of one connection handled per turn of the event loop; then its socket is paused
   * until the next turn, so one flooding client cannot keep the others waiting (see the
   * README, "Fair reads"). @default 64
   */
  readBudgetFrames?: number;
  /** Bytes of frames of one connection handled per turn (at least one frame is). @default 65_536 */
  readBudgetBytes?: number;
  /**
   * Bytes of replies (acks, pongs, errors, responses) and server sends (`sendMessage`,
   * `broadcast`) one connection may have waiting in the hub, each counted up to a quarter of
   * this (so one large answer fits). Replies are never dropped: a client that sends requests
   * but does not read the answers is closed with 4004 once they exceed it. @default 8_388_608
   */
  replyQueueBytes?: number;
  /**
   * Bytes a connection may send before its `welcome`: a bigger message closes it with 1009
   * without being buffered, and frames sent while `authenticate` runs wait within this budget
   * (past it they get AUTHENTICATION_REQUIRED). @default 65_536
   */
  preAuthBytes?: number;
  /** Frames that may wait while `authenticate` runs; past it they get AUTHENTICATION_REQUIRED. @default 100 */
  preAuthFrames?: number;
  /**
   * Time from the TCP connection (or, on a server you pass in, from its `upgrade` event) to the
   * open WebSocket; a connection that has not upgraded by then is destroyed. Such connections
   * count against `maxConnections` and `maxConnectionsPerIp` meanwhile. @default 5_000
   */
  upgradeTimeoutMs?: number;
  /**
   * Origins a browser may connect from: exact origins (`https://app.example.com`) or with `*`
   * standing for one or more labels of the host (`https://*.example.com`). Other origins get
   * HTTP 403. Unset: any origin.
   */
  allowedOrigins?: readonly string[];
  /**
   * Refuse upgrades without an `Origin` header (HTTP 403). Browsers always send one; other
   * clients (Node, CLIs) usually do not, so they are allowed unless this is set. @default false
   */
  requireOrigin?: boolean;
  /**
   * Connections from one IP address (the TCP peer's; behind a proxy that is the proxy's),
   * upgrades in progress included; beyond it upgrades get HTTP 429. Unset: no limit.
   */
  maxConnectionsPerIp?: number;
  /** Name reported in the welcome frame and `/health`. @default 'switchboard' */
  name?: string;
  /**
   * Token-bucket rate limits per principal (per connection when anonymous), per frame type;
   * excess frames get RATE_LIMIT_EXCEEDED (README, "Rate limits"). The seed's
   * `{ maxMessages, windowMs }` limits every frame. A principal's `rateLimits` overrides this.
   * @default only `auth` refreshes are limited, 10 per minute
   */
  rateLimit?: RateLimitOptions;
  /**
   * Interval of the KPI snapshot published on `$metrics` (connections, principals online,
   * publishes, deliveries and drops per second, busiest topic prefixes; README, "The metrics
   * channel"). Published only while a connection of this node subscribes to it; needs a
   * WSRouter. 0 turns it off. @default 5_000
   */
  metricsIntervalMs?: number;
  /**
   * Prometheus metrics (prom-client): `true`, or `{ registry, prefix, defaultMetrics }`.
   * The hub's own HTTP server then answers `GET /metrics` (with `httpEndpoints`); on a server
   * you pass in, `handleHttpRequest` does, and `server.metricsRegistry` is the registry
   * either way. See docs/operations.md for every metric. @default false
   */
  metrics?: boolean | MetricsOptions;
  /**
   * Structured logs (pino): a pino logger of yours, or `{ level }` for one writing JSON lines
   * to stdout. Connection lifecycle, refusals, slow consumers, shutdown; never a token or a
   * payload (docs/operations.md, "Logs"). Unset: the hub logs nothing.
   */
  logger?: LoggerOption;
  /**
   * permessage-deflate (RFC 7692) for clients that offer it (browsers always do; the Node
   * client with its `perMessageDeflate` option): `true` for the defaults, or the settings
   * (see `PerMessageDeflateOptions` and the README, "Compression"). `maxPayload` and
   * `preAuthBytes` bound the decompressed size. Costs CPU per publish and inflater memory per
   * connection that sends compressed frames. @default false
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * The HTTP fallback for networks that block WebSocket: an event stream plus POSTs on the
   * same port, with the same protocol, ACLs, limits and resume (see `SseOptions` and the
   * README, "HTTP fallback"). `false` turns it off. @default true
   */
  sse?: boolean | SseOptions;
}

export const WS_SERVER_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  allowAnonymous: false,
  authTimeoutMs: 10_000,
  heartbeatIntervalMs: 30_000,
  maxConnections: 10_000,
  maxPayload: 1_048_576,
  shutdownTimeoutMs: 5_000,
  flushSliceMs: DEFAULT_FLUSH_SLICE_MS,
  httpEndpoints: true,
  name: 'switchboard',
  readBudgetFrames: DEFAULT_READ_BUDGET.frames,
  readBudgetBytes: DEFAULT_READ_BUDGET.bytes,
  replyQueueBytes: 8_388_608,
  preAuthBytes: 65_536,
  preAuthFrames: 100,
  upgradeTimeoutMs: 5_000,
  requireOrigin: false,
  metricsIntervalMs: 5_000,
} as const;

type Widened<T> = T extends number ? number : T extends boolean ? boolean : string;

/** The options after defaults, under their canonical names only. */
export type ResolvedServerOptions = Omit<
  WSServerOptions,
  | keyof typeof WS_SERVER_DEFAULTS
  | 'authTimeout'
  | 'heartbeatInterval'
  | 'perMessageDeflate'
  | 'sse'
> & {
  -readonly [K in keyof typeof WS_SERVER_DEFAULTS]: Widened<(typeof WS_SERVER_DEFAULTS)[K]>;
} & {
  /** Undefined when compression is off. */
  perMessageDeflate: DeflateSettings | undefined;
  /** Undefined when the HTTP fallback is off. */
  sse: ResolvedSseOptions | undefined;
};

const OWNER = 'WSServer';

/** Canonical names and the older names still accepted for them (the names of the seed API). */
const ALIASES = [
  ['authTimeoutMs', 'authTimeout'],
  ['heartbeatIntervalMs', 'heartbeatInterval'],
] as const;

/** Options renamed without an alias: refused under the old name rather than ignored. */
const RENAMED: Record<string, string> = { shutdownTimeout: 'shutdownTimeoutMs' };

/** Every option WSServer reads: anything else is refused rather than silently ignored. */
const KNOWN_OPTIONS = [
  ...(Object.keys(WS_SERVER_DEFAULTS) as (keyof typeof WS_SERVER_DEFAULTS)[]),
  'server',
  'path',
  'authenticate',
  'authTimeout',
  'heartbeatInterval',
  'maxSubscriptionsPerClient',
  'rateLimit',
  'isRevoked',
  'cluster',
  'allowedOrigins',
  'maxConnectionsPerIp',
  'httpHandler',
  'metrics',
  'logger',
  'perMessageDeflate',
  'sse',
] as const satisfies readonly (keyof WSServerOptions)[];
// An option added to WSServerOptions but not to KNOWN_OPTIONS fails to compile here.
type Unlisted = Exclude<keyof WSServerOptions, (typeof KNOWN_OPTIONS)[number]>;
const everyOptionListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyOptionListed;

export function resolveServerOptions(options: WSServerOptions): ResolvedServerOptions {
  for (const [old, name] of Object.entries(RENAMED)) {
    if ((options as Record<string, unknown>)[old] !== undefined) {
      throw new TypeError(`${OWNER} option "${old}" was renamed "${name}"`);
    }
  }
  checkKnownOptions(OWNER, options, KNOWN_OPTIONS);
  if (options.server && options.port !== undefined) {
    throw new TypeError('WSServer options "server" and "port" conflict: pass one of them');
  }
  checkInteger(OWNER, 'port', options.port, { min: 0 });
  checkInteger(OWNER, 'flushSliceMs', options.flushSliceMs, { min: 0 });
  checkInteger(OWNER, 'metricsIntervalMs', options.metricsIntervalMs, {
    min: 0,
    max: MAX_TIMER_MS,
  });
  // Whole milliseconds a timer can wait (heartbeatIntervalMs goes out in `welcome` as an integer).
  for (const key of [...ALIASES.flat(), 'shutdownTimeoutMs', 'upgradeTimeoutMs'] as const) {
    checkInteger(OWNER, key, options[key], { min: 1, max: MAX_TIMER_MS });
  }
  for (const key of [
    'maxConnections',
    'maxPayload',
    'maxSubscriptionsPerClient',
    'readBudgetFrames',
    'readBudgetBytes',
    'replyQueueBytes',
    'preAuthBytes',
    'preAuthFrames',
    'maxConnectionsPerIp',
  ] as const) {
    checkInteger(OWNER, key, options[key], { min: 1 });
  }
  checkRateLimitOptions(OWNER, 'rateLimit', options.rateLimit);
  checkOrigins(OWNER, 'allowedOrigins', options.allowedOrigins);
  checkType(OWNER, 'authenticate', options.authenticate, 'function');
  checkType(OWNER, 'isRevoked', options.isRevoked, 'function');
  checkType(OWNER, 'httpHandler', options.httpHandler, 'function');
  if (options.httpHandler !== undefined && options.server !== undefined) {
    throw new TypeError(
      'WSServer option "httpHandler" routes requests on the server the hub creates; with "server", route in its request listener',
    );
  }
  if (options.isRevoked !== undefined && options.authenticate === undefined) {
    // Without authenticate there are no credentials to revoke: refused rather than ignored.
    throw new TypeError('WSServer option "isRevoked" needs "authenticate"');
  }
  checkType(OWNER, 'server', options.server, 'object');
  checkType(OWNER, 'cluster', options.cluster, 'object');
  if (options.cluster !== undefined) {
    for (const method of ['start', 'request', 'nodes', 'stop'] as const) {
      if (typeof options.cluster[method] !== 'function') {
        throw new TypeError(`WSServer option "cluster" must be a ClusterBus (no ${method}())`);
      }
    }
  }
  for (const key of ['host', 'path', 'name'] as const) {
    checkType(OWNER, key, options[key], 'string');
  }
  for (const key of ['allowAnonymous', 'httpEndpoints', 'requireOrigin'] as const) {
    checkType(OWNER, key, options[key], 'boolean');
  }
  const canonical: Record<string, unknown> = {
    ...options,
    perMessageDeflate: resolveDeflateOptions(OWNER, options.perMessageDeflate),
    sse: resolveSseOptions(OWNER, options.sse, options.path),
  };
  for (const [name, alias] of ALIASES) {
    canonical[name] = aliased<number>(OWNER, options, name, alias);
    delete canonical[alias];
  }
  return withDefaults(WS_SERVER_DEFAULTS, canonical) as unknown as ResolvedServerOptions;
}
