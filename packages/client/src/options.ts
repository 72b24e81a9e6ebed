import {
  aliased,
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkNumber,
  checkOneOf,
  checkType,
  MAX_TIMER_MS,
  withDefaults,
} from '@switchboard/protocol/wire';
import type { WebSocketImplementation } from './websocket.ts';

/** Where the token travels. */
export type TokenTransport = 'hello' | 'query' | 'header';

/**
 * How the client reaches the hub: WebSocket only, the HTTP fallback only (server-sent events
 * down, POST up), or WebSocket first and the fallback when WebSocket cannot be opened.
 */
export type Transport = 'auto' | 'websocket' | 'sse';

/** A token, or a function asked for a fresh one before every connection attempt. */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions {
  /**
   * Hub URL, e.g. `ws://localhost:8080` (`wss:`, `http:` and `https:` work too), or the URLs
   * of several nodes of one hub (sharing one log, e.g. on `@switchboard/redis`): the client
   * connects to the first that answers and fails over to the next when its node is lost,
   * resuming every subscription where it left off. Required unless `urls` is given.
   */
  url?: string | readonly string[];
  /** The nodes of one hub, as `url` takes them; pass `url` or `urls`, not both. */
  urls?: readonly string[];
  /**
   * Credentials for the hub's `authenticate`. A function is called before every connection
   * attempt, so a reconnect picks up a refreshed token.
   * @default undefined (anonymous)
   */
  token?: TokenSource;
  /**
   * How the token reaches the hub: in the `hello` frame, as the `token` query parameter
   * (visible in proxy logs, but the only way besides `hello` in browsers), or as an
   * `Authorization: Bearer` header (Node's `ws` only).
   * @default 'hello'
   */
  tokenTransport?: TokenTransport;
  /**
   * Reconnect after the connection drops (never after a refusal such as a bad token).
   * @default true
   */
  reconnect?: boolean;
  /**
   * Ceiling of the first reconnect delay in ms; the delay is drawn from [0, ceiling).
   * @default 1000
   */
  reconnectIntervalMs?: number;
  /** @deprecated The seed API's name of `reconnectIntervalMs`; still accepted. */
  reconnectInterval?: number;
  /**
   * Largest ceiling of a reconnect delay in ms.
   * @default 30000
   */
  maxReconnectIntervalMs?: number;
  /**
   * Growth of the delay ceiling per failed attempt.
   * @default 2
   */
  reconnectMultiplier?: number;
  /**
   * Failed reconnect attempts in a row before giving up with `reconnect-failed`.
   * @default Infinity
   */
  maxReconnectAttempts?: number;
  /**
   * Wait for an ack or response, in ms, counted from when the frame is written to the
   * socket (not while it waits in the offline queue). `Infinity` waits forever.
   * @default 30000
   */
  messageTimeoutMs?: number;
  /**
   * Wait for the `welcome` of one connection attempt (token, TCP, upgrade, hello), in ms.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Frames kept while not connected; calls beyond it fail with QUEUE_FULL.
   * @default 1000
   */
  offlineQueueSize?: number;
  /**
   * App-level ping interval in ms; the connection counts as dead after two intervals
   * without any frame from the hub. `0` turns the heartbeat off.
   * @default the hub's `heartbeatIntervalMs` from `welcome`
   */
  heartbeatIntervalMs?: number;
  /** @deprecated The seed API's name of `heartbeatIntervalMs`; still accepted. */
  heartbeatInterval?: number;
  /**
   * WebSocket constructor.
   * @default `ws` in Node, `globalThis.WebSocket` in browsers
   */
  WebSocket?: WebSocketImplementation;
  /**
   * Sent to the hub in `hello` for its logs and metrics.
   * @default '@switchboard/client'
   */
  clientName?: string;
  /**
   * In Node, keep the process running while the client is connecting, connected or waiting
   * to reconnect, as `ws` and socket.io-client do: a process whose only work is this client
   * survives a hub restart. `false` lets the process exit whenever nothing else keeps it
   * running (the client's timers and, with `ws`, its socket are unref'd), like
   * socket.io-client's `autoUnref`. No effect in browsers.
   * @default true
   */
  keepProcessAlive?: boolean;
  /**
   * Offer permessage-deflate (RFC 7692) to the hub, which compresses what it sends when its
   * `perMessageDeflate` option is on (and inflates what the client sends compressed: `ws`
   * compresses messages of 1 KiB or more). Node's `ws` only: browsers always offer it and
   * cannot be told otherwise, so the browser entry refuses `false`. Compression costs CPU on
   * both sides and suits clients that receive large or repetitive events over slow links.
   * @default true (as `ws`)
   */
  perMessageDeflate?: boolean;
  /**
   * `'auto'` connects over WebSocket and, when a WebSocket cannot even be opened (a proxy or
   * firewall that blocks upgrades), over the hub's HTTP fallback at once (its `sse` option:
   * the same protocol over server-sent events and POST); from there it tries WebSocket again
   * every `upgradeIntervalMs` and moves back when one opens, resuming every subscription where
   * it left off. `'websocket'` or `'sse'` force one. The fallback uses `fetch` (Node's own
   * HTTP in Node) and ignores `perMessageDeflate`.
   * @default 'auto'
   */
  transport?: Transport;
  /**
   * While on the HTTP fallback with `transport: 'auto'`, how often to try a WebSocket again.
   * @default 30000
   */
  upgradeIntervalMs?: number;
}

/** Kept in step with package.json; sent in `hello`. */
export const CLIENT_VERSION = '0.1.0';

export const DEFAULT_CLIENT_OPTIONS = {
  tokenTransport: 'hello',
  reconnect: true,
  reconnectIntervalMs: 1000,
  maxReconnectIntervalMs: 30_000,
  reconnectMultiplier: 2,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
  messageTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  offlineQueueSize: 1000,
  clientName: '@switchboard/client',
  keepProcessAlive: true,
  transport: 'auto',
  upgradeIntervalMs: 30_000,
} as const satisfies Partial<ClientOptions>;

type Defaulted = keyof typeof DEFAULT_CLIENT_OPTIONS;

/** The seed API's names, folded into their `Ms` names by `resolveOptions`. */
type Alias = 'reconnectInterval' | 'heartbeatInterval';

/** Options after defaults, with every alias folded into its `Ms` name. */
export type ResolvedOptions = Required<Pick<ClientOptions, Defaulted>> &
  Omit<ClientOptions, Defaulted | 'url' | 'urls' | Alias> & {
    /** Every hub URL, in the caller's order; at least one. */
    urls: readonly string[];
  };

/** Names of the first releases that got their `Ms`, without an alias: refused with a hint. */
const RENAMED: Readonly<Record<string, keyof ClientOptions>> = {
  maxReconnectInterval: 'maxReconnectIntervalMs',
  messageTimeout: 'messageTimeoutMs',
  connectTimeout: 'connectTimeoutMs',
};

const OWNER = 'WSClient';
const TOKEN_TRANSPORTS: readonly TokenTransport[] = ['hello', 'query', 'header'];
const TRANSPORTS: readonly Transport[] = ['auto', 'websocket', 'sse'];
const URL_PROTOCOLS = new Set(['ws:', 'wss:', 'http:', 'https:']);
const KNOWN_OPTIONS = [
  'url',
  'urls',
  'token',
  'tokenTransport',
  'reconnect',
  'reconnectIntervalMs',
  'reconnectInterval',
  'maxReconnectIntervalMs',
  'reconnectMultiplier',
  'maxReconnectAttempts',
  'messageTimeoutMs',
  'connectTimeoutMs',
  'offlineQueueSize',
  'heartbeatIntervalMs',
  'heartbeatInterval',
  'WebSocket',
  'clientName',
  'keepProcessAlive',
  'perMessageDeflate',
  'transport',
  'upgradeIntervalMs',
] as const satisfies readonly (keyof ClientOptions)[];

/**
 * Merges the defaults once and throws a TypeError naming any invalid, unknown or
 * conflicting option. Values are checked under the name the caller used, so an error about
 * `reconnectInterval` says `reconnectInterval`.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('WSClient: options must be an object with at least a "url"');
  }
  for (const key of Object.keys(options)) {
    const renamed = Object.hasOwn(RENAMED, key) ? RENAMED[key] : undefined;
    if (renamed !== undefined) {
      throw new TypeError(`WSClient: option "${key}" is now called "${renamed}"`);
    }
  }
  checkKnownOptions(OWNER, options, KNOWN_OPTIONS);
  validate(options);
  const { reconnectInterval: _r, heartbeatInterval: _h, url: _u, urls: _us, ...rest } = options;
  const resolved = withDefaults(DEFAULT_CLIENT_OPTIONS, {
    ...rest,
    urls: hubUrls(options),
    reconnectIntervalMs: aliased<number>(
      OWNER,
      options,
      'reconnectIntervalMs',
      'reconnectInterval',
    ),
    heartbeatIntervalMs: aliased<number>(
      OWNER,
      options,
      'heartbeatIntervalMs',
      'heartbeatInterval',
    ),
  }) as ResolvedOptions;
  const interval =
    options.reconnectIntervalMs === undefined && options.reconnectInterval !== undefined
      ? 'reconnectInterval'
      : 'reconnectIntervalMs';
  if (resolved.maxReconnectIntervalMs < resolved.reconnectIntervalMs) {
    throw new TypeError(
      `WSClient: options "maxReconnectIntervalMs" and "${interval}" conflict: the maximum is below the initial interval`,
    );
  }
  return resolved;
}

/** The hub URLs of `url` or `urls`, each checked under the name the caller used. */
function hubUrls(o: ClientOptions): string[] {
  if (o.url !== undefined && o.urls !== undefined) {
    throw new TypeError('WSClient: options "url" and "urls" conflict; pass one of them');
  }
  const name = o.urls !== undefined ? 'urls' : 'url';
  const given = o.urls ?? o.url;
  if (typeof given === 'string') {
    checkUrl(name, given);
    return [given];
  }
  if (!Array.isArray(given) || given.length === 0) {
    throw new TypeError(
      `WSClient: option "${name}" is required: a URL string or a non-empty array of them`,
    );
  }
  for (const [i, url] of (given as unknown[]).entries()) checkUrl(`${name}[${i}]`, url);
  return [...(given as string[])];
}

function checkUrl(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`WSClient: option "${name}" is required and must be a string`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`WSClient: option "${name}" is not a valid URL: ${value}`);
  }
  if (!URL_PROTOCOLS.has(url.protocol)) {
    throw new TypeError(
      `WSClient: option "${name}" must use ws:, wss:, http: or https:, got ${url.protocol}`,
    );
  }
}

function validate(o: ClientOptions): void {
  hubUrls(o);
  if (o.token !== undefined && typeof o.token !== 'function') {
    if (typeof o.token !== 'string' || o.token.length === 0) {
      throw new TypeError('WSClient: option "token" must be a non-empty string or a function');
    }
  }
  checkOneOf(OWNER, 'tokenTransport', o.tokenTransport, TOKEN_TRANSPORTS);
  checkOneOf(OWNER, 'transport', o.transport, TRANSPORTS);
  checkDuration(OWNER, 'upgradeIntervalMs', o.upgradeIntervalMs);
  if (o.tokenTransport !== undefined && o.tokenTransport !== 'hello' && o.token === undefined) {
    throw new TypeError(
      `WSClient: option "tokenTransport" is "${o.tokenTransport}" but no "token" is set`,
    );
  }
  checkType(OWNER, 'reconnect', o.reconnect, 'boolean');
  checkDuration(OWNER, 'reconnectIntervalMs', o.reconnectIntervalMs);
  checkDuration(OWNER, 'reconnectInterval', o.reconnectInterval);
  checkDuration(OWNER, 'maxReconnectIntervalMs', o.maxReconnectIntervalMs);
  checkNumber(OWNER, 'reconnectMultiplier', o.reconnectMultiplier, { min: 1 });
  checkInteger(OWNER, 'maxReconnectAttempts', o.maxReconnectAttempts, { infinity: true });
  checkDuration(OWNER, 'messageTimeoutMs', o.messageTimeoutMs, { infinity: true });
  checkDuration(OWNER, 'connectTimeoutMs', o.connectTimeoutMs);
  checkInteger(OWNER, 'offlineQueueSize', o.offlineQueueSize);
  // Two silent intervals mean a dead connection, so twice the interval must fit a timer.
  const heartbeat = { min: 0, max: Math.floor(MAX_TIMER_MS / 2) };
  checkDuration(OWNER, 'heartbeatIntervalMs', o.heartbeatIntervalMs, heartbeat);
  checkDuration(OWNER, 'heartbeatInterval', o.heartbeatInterval, heartbeat);
  checkType(OWNER, 'WebSocket', o.WebSocket, 'function');
  checkType(OWNER, 'clientName', o.clientName, 'string');
  checkType(OWNER, 'keepProcessAlive', o.keepProcessAlive, 'boolean');
  checkType(OWNER, 'perMessageDeflate', o.perMessageDeflate, 'boolean');
  if (o.clientName !== undefined && o.clientName.length > 128) {
    throw new TypeError('WSClient: option "clientName" must be a string of at most 128 characters');
  }
}
