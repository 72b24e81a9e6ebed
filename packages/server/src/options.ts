import type { Server as HttpServer, IncomingHttpHeaders } from 'node:http';
import { DEFAULT_FLUSH_SLICE_MS } from './flush-scheduler.ts';
import type { Principal } from './principal.ts';

/** What `authenticate` learns about the connection besides the token. */
export interface AuthenticationMetadata {
  connectionId: string;
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
  url: string;
  /** Where the token came from. */
  transport: 'frame' | 'header' | 'query';
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
  /** Allow anonymous access on a non-loopback interface. @default false */
  allowAnonymous?: boolean;
  /** Time to finish the handshake and authentication before the socket is closed (4002). @default 10_000 */
  authTimeout?: number;
  /** Protocol-level ping interval; a peer silent for a whole interval is dropped. @default 30_000 */
  heartbeatInterval?: number;
  /** Connections beyond this are refused at upgrade with HTTP 503. @default 10_000 */
  maxConnections?: number;
  /** Largest accepted message in bytes; bigger gets PAYLOAD_TOO_LARGE and close 1009. @default 1_048_576 */
  maxPayload?: number;
  /** Subscriptions one connection may hold. @default 1_000 */
  maxSubscriptionsPerClient?: number;
  /** Time `shutdown()` waits for queued frames to flush before it cuts connections. @default 5_000 */
  shutdownTimeout?: number;
  /**
   * How long one turn of the event loop may spend writing to sockets before reads, acks and
   * timers get a turn; while a flush needs more than one slice, connections that send are
   * paused (see the README, "Backpressure on publishers"). 0 yields every 32 sockets. @default 5
   */
  flushSliceMs?: number;
  /** Serve `GET /health` and `GET /stats` on the HTTP server the hub creates. @default true */
  httpEndpoints?: boolean;
  /** Name reported in the welcome frame and `/health`. @default 'switchboard' */
  name?: string;
}

export const WS_SERVER_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  allowAnonymous: false,
  authTimeout: 10_000,
  heartbeatInterval: 30_000,
  maxConnections: 10_000,
  maxPayload: 1_048_576,
  maxSubscriptionsPerClient: 1_000,
  shutdownTimeout: 5_000,
  flushSliceMs: DEFAULT_FLUSH_SLICE_MS,
  httpEndpoints: true,
  name: 'switchboard',
} as const;

export type ResolvedServerOptions = Omit<WSServerOptions, keyof typeof WS_SERVER_DEFAULTS> & {
  -readonly [K in keyof typeof WS_SERVER_DEFAULTS]: (typeof WS_SERVER_DEFAULTS)[K] extends number
    ? number
    : (typeof WS_SERVER_DEFAULTS)[K] extends boolean
      ? boolean
      : string;
};

function positiveInteger(options: WSServerOptions, key: keyof WSServerOptions, min = 1): void {
  const value = options[key];
  if (
    value !== undefined &&
    (typeof value !== 'number' || !Number.isInteger(value) || value < min)
  ) {
    throw new TypeError(
      `WSServer option "${key}" must be an integer >= ${min}, got ${String(value)}`,
    );
  }
}

export function resolveServerOptions(options: WSServerOptions): ResolvedServerOptions {
  if (options.server && options.port !== undefined) {
    throw new TypeError('WSServer options "server" and "port" conflict: pass one of them');
  }
  positiveInteger(options, 'port', 0);
  positiveInteger(options, 'flushSliceMs', 0);
  for (const key of [
    'authTimeout',
    'heartbeatInterval',
    'maxConnections',
    'maxPayload',
    'maxSubscriptionsPerClient',
    'shutdownTimeout',
  ] as const) {
    positiveInteger(options, key);
  }
  if (options.authenticate !== undefined && typeof options.authenticate !== 'function') {
    throw new TypeError('WSServer option "authenticate" must be a function');
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...WS_SERVER_DEFAULTS, ...defined } as ResolvedServerOptions;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}
