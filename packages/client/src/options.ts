import type { WebSocketImplementation } from './websocket.ts';

/** Where the token travels. */
export type TokenTransport = 'hello' | 'query' | 'header';

/** A token, or a function asked for a fresh one before every connection attempt. */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** Hub URL, e.g. `ws://localhost:8080` (`wss:`, `http:` and `https:` work too). */
  url: string;
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
  reconnectInterval?: number;
  /**
   * Largest ceiling of a reconnect delay in ms.
   * @default 30000
   */
  maxReconnectInterval?: number;
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
  messageTimeout?: number;
  /**
   * Wait for the `welcome` of one connection attempt (token, TCP, upgrade, hello), in ms.
   * @default 10000
   */
  connectTimeout?: number;
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
}

/** Kept in step with package.json; sent in `hello`. */
export const CLIENT_VERSION = '0.1.0';

export const DEFAULT_CLIENT_OPTIONS = {
  tokenTransport: 'hello',
  reconnect: true,
  reconnectInterval: 1000,
  maxReconnectInterval: 30_000,
  reconnectMultiplier: 2,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
  messageTimeout: 30_000,
  connectTimeout: 10_000,
  offlineQueueSize: 1000,
  clientName: '@switchboard/client',
} as const satisfies Partial<ClientOptions>;

type Defaulted = keyof typeof DEFAULT_CLIENT_OPTIONS;

export type ResolvedOptions = Required<Pick<ClientOptions, Defaulted | 'url'>> &
  Omit<ClientOptions, Defaulted | 'url'>;

// setTimeout clamps larger delays to 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
const TRANSPORTS: readonly TokenTransport[] = ['hello', 'query', 'header'];
const URL_PROTOCOLS = new Set(['ws:', 'wss:', 'http:', 'https:']);

/** Merges the defaults once and throws a TypeError naming any invalid or conflicting option. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('WSClient: options must be an object with at least a "url"');
  }
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as ClientOptions;
  const resolved: ResolvedOptions = { ...DEFAULT_CLIENT_OPTIONS, ...defined };
  validate(resolved);
  return resolved;
}

function validate(o: ResolvedOptions): void {
  if (typeof o.url !== 'string' || o.url.length === 0) {
    throw new TypeError('WSClient: option "url" is required and must be a string');
  }
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new TypeError(`WSClient: option "url" is not a valid URL: ${o.url}`);
  }
  if (!URL_PROTOCOLS.has(url.protocol)) {
    throw new TypeError(
      `WSClient: option "url" must use ws:, wss:, http: or https:, got ${url.protocol}`,
    );
  }
  if (o.token !== undefined && typeof o.token !== 'function') {
    if (typeof o.token !== 'string' || o.token.length === 0) {
      throw new TypeError('WSClient: option "token" must be a non-empty string or a function');
    }
  }
  if (!TRANSPORTS.includes(o.tokenTransport)) {
    throw new TypeError(
      `WSClient: option "tokenTransport" must be one of ${TRANSPORTS.join(', ')}`,
    );
  }
  if (o.tokenTransport !== 'hello' && o.token === undefined) {
    throw new TypeError(
      `WSClient: option "tokenTransport" is "${o.tokenTransport}" but no "token" is set`,
    );
  }
  if (typeof o.reconnect !== 'boolean') {
    throw new TypeError('WSClient: option "reconnect" must be a boolean');
  }
  positive(o, 'reconnectInterval', false);
  positive(o, 'maxReconnectInterval', false);
  if (o.maxReconnectInterval < o.reconnectInterval) {
    throw new TypeError(
      'WSClient: options "maxReconnectInterval" and "reconnectInterval" conflict: the maximum is below the initial interval',
    );
  }
  if (
    typeof o.reconnectMultiplier !== 'number' ||
    !(o.reconnectMultiplier >= 1) ||
    !Number.isFinite(o.reconnectMultiplier)
  ) {
    throw new TypeError('WSClient: option "reconnectMultiplier" must be a finite number >= 1');
  }
  count(o, 'maxReconnectAttempts', true);
  positive(o, 'messageTimeout', true);
  positive(o, 'connectTimeout', false);
  count(o, 'offlineQueueSize', false);
  if (o.heartbeatInterval !== undefined) {
    if (
      typeof o.heartbeatInterval !== 'number' ||
      !(o.heartbeatInterval >= 0) ||
      o.heartbeatInterval > MAX_TIMER_MS / 2
    ) {
      throw new TypeError(
        `WSClient: option "heartbeatInterval" must be a number of ms from 0 (off) to ${Math.floor(MAX_TIMER_MS / 2)}`,
      );
    }
  }
  if (o.WebSocket !== undefined && typeof o.WebSocket !== 'function') {
    throw new TypeError('WSClient: option "WebSocket" must be a WebSocket constructor');
  }
  if (typeof o.clientName !== 'string' || o.clientName.length > 128) {
    throw new TypeError('WSClient: option "clientName" must be a string of at most 128 characters');
  }
}

type NumericOption =
  | 'reconnectInterval'
  | 'maxReconnectInterval'
  | 'messageTimeout'
  | 'connectTimeout';

function positive(o: ResolvedOptions, name: NumericOption, infinityAllowed: boolean): void {
  const value = o[name];
  const ok =
    typeof value === 'number' &&
    value > 0 &&
    (value <= MAX_TIMER_MS || (infinityAllowed && value === Number.POSITIVE_INFINITY));
  if (!ok) {
    const range = infinityAllowed
      ? `1 to ${MAX_TIMER_MS} ms or Infinity`
      : `1 to ${MAX_TIMER_MS} ms`;
    throw new TypeError(`WSClient: option "${name}" must be a number from ${range}`);
  }
}

function count(
  o: ResolvedOptions,
  name: 'maxReconnectAttempts' | 'offlineQueueSize',
  infinityAllowed: boolean,
): void {
  const value = o[name];
  const ok =
    typeof value === 'number' &&
    value >= 0 &&
    (Number.isInteger(value) || (infinityAllowed && value === Number.POSITIVE_INFINITY));
  if (!ok) {
    throw new TypeError(
      `WSClient: option "${name}" must be a whole number >= 0${infinityAllowed ? ' or Infinity' : ''}`,
    );
  }
}
