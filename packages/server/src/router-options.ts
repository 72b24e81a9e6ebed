import {
  checkDuration,
  checkInteger,
  checkKnownOptions,
  checkOneOf,
  checkType,
  MAX_CREDIT,
  withDefaults,
} from '@switchboard/protocol';
import type { Engine, MemoryEngineOptions } from '@switchboard/router';
import { DEFAULT_OUTBOUND_LIMITS, type OutboundLimits } from './outbound-queue.ts';

export interface WSRouterOptions {
  /** Events queued per connection before the slow-consumer policy applies. @default 1000 */
  queueSize?: number;
  /** Bytes queued per connection (with the socket's `bufferedAmount`). @default 8 MiB */
  queueBytes?: number;
  /**
   * What happens to a connection whose queue overflows: `drop-oldest` drops its oldest
   * events and tells it which offsets it missed; `disconnect` closes it with 4004.
   * @default 'drop-oldest'
   */
  slowConsumerPolicy?: OutboundLimits['slowConsumerPolicy'];
  /** Log and fan-out engine; the in-memory engine when absent. */
  engine?: Engine;
  /**
   * Bounds of the default in-memory engine's history: entries, age and bytes, and the bytes
   * of retained last values. With `engine`, give the bounds to that engine instead.
   */
  history?: Pick<
    MemoryEngineOptions,
    'historySize' | 'historyTtlMs' | 'historyBytes' | 'retainedBytes'
  >;
  /** Most events one subscribe may replay from history. @default 10_000 */
  maxReplay?: number;
  /**
   * A connection's replays run one at a time (so the hub holds at most `maxReplay` events of
   * history for it); subscribes with `since` or `position` sent meanwhile wait. This bounds the
   * bytes of those waiting frames; past it a subscribe gets RATE_LIMITED. @default 65_536
   */
  replayQueueBytes?: number;
  /**
   * Subscriptions one connection may hold; beyond it subscribe gets TOO_MANY_SUBSCRIPTIONS.
   * Also accepted on WSServer, where earlier versions took it; giving it to both with
   * different values is a TypeError. @default 1_000
   */
  maxSubscriptionsPerClient?: number;
  /**
   * Methods one connection may serve as a client-hosted handler; beyond it `handle` gets
   * TOO_MANY_HANDLERS. @default 100
   */
  maxHandlersPerClient?: number;
  /**
   * Calls to client-hosted handlers one connection may have in flight as the caller; beyond it
   * a request gets TOO_MANY_CALLS. @default 100
   */
  maxCallsPerClient?: number;
  /**
   * Calls one handler connection serves at once; a call goes to another handler of the group,
   * or gets TOO_MANY_CALLS when all of them are this busy. @default 100
   */
  maxCallsPerHandler?: number;
  /**
   * Longest a call to a client-hosted handler may take, and how long one takes whose request
   * names no `timeoutMs`; then the caller gets TIMEOUT and the handler a cancel. @default 300_000
   */
  maxCallTimeoutMs?: number;
  /**
   * Most chunks of a streamed answer that may be on their way to one caller (sent by the
   * handler, not yet taken by the caller); a larger credit is cut to it. @default 256
   */
  maxStreamCredit?: number;
}

export const WS_ROUTER_DEFAULTS = {
  queueSize: DEFAULT_OUTBOUND_LIMITS.queueSize,
  queueBytes: DEFAULT_OUTBOUND_LIMITS.queueBytes,
  slowConsumerPolicy: DEFAULT_OUTBOUND_LIMITS.slowConsumerPolicy,
  maxReplay: 10_000,
  replayQueueBytes: 65_536,
  maxSubscriptionsPerClient: 1_000,
  maxHandlersPerClient: 100,
  maxCallsPerClient: 100,
  maxCallsPerHandler: 100,
  maxCallTimeoutMs: 300_000,
  maxStreamCredit: 256,
} as const;

export type ResolvedRouterOptions = Required<Omit<WSRouterOptions, 'engine' | 'history'>>;

const OWNER = 'WSRouter';

/** Every option WSRouter reads: anything else is refused rather than silently ignored. */
const KNOWN_OPTIONS = [
  ...(Object.keys(WS_ROUTER_DEFAULTS) as (keyof typeof WS_ROUTER_DEFAULTS)[]),
  'engine',
  'history',
] as const satisfies readonly (keyof WSRouterOptions)[];
// An option added to WSRouterOptions but not to KNOWN_OPTIONS fails to compile here.
type Unlisted = Exclude<keyof WSRouterOptions, (typeof KNOWN_OPTIONS)[number]>;
const everyOptionListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyOptionListed;

/** Checks and merges the router's options. */
export function resolveRouterOptions(options: WSRouterOptions): ResolvedRouterOptions {
  checkKnownOptions(OWNER, options, KNOWN_OPTIONS);
  for (const key of [
    'queueSize',
    'queueBytes',
    'maxReplay',
    'replayQueueBytes',
    'maxSubscriptionsPerClient',
    'maxHandlersPerClient',
    'maxCallsPerClient',
    'maxCallsPerHandler',
  ] as const) {
    checkInteger(OWNER, key, options[key], { min: 1 });
  }
  checkDuration(OWNER, 'maxCallTimeoutMs', options.maxCallTimeoutMs);
  checkInteger(OWNER, 'maxStreamCredit', options.maxStreamCredit, { min: 1, max: MAX_CREDIT });
  checkOneOf(OWNER, 'slowConsumerPolicy', options.slowConsumerPolicy, [
    'drop-oldest',
    'disconnect',
  ]);
  checkType(OWNER, 'engine', options.engine, 'object');
  checkType(OWNER, 'history', options.history, 'object');
  if (options.engine !== undefined && options.history !== undefined) {
    // The bounds would configure an engine that is not used: refuse rather than ignore them.
    throw new TypeError(
      `${OWNER} options "engine" and "history" conflict: "history" configures the default in-memory engine; pass the bounds to your engine instead`,
    );
  }
  checkKnownOptions(`${OWNER} option "history"`, options.history ?? {}, [
    'historySize',
    'historyTtlMs',
    'historyBytes',
    'retainedBytes',
  ]);
  const { engine: _engine, history: _history, ...own } = options;
  return withDefaults(WS_ROUTER_DEFAULTS, own) as ResolvedRouterOptions;
}

/**
 * The subscription limit when both the router and its server may have been given one (the
 * server hands its own over when the router attaches): either, or a TypeError when they differ.
 */
export function settleSubscriptionLimit(
  fromRouter: number | undefined,
  fromServer: number | undefined,
): number | undefined {
  if (fromRouter !== undefined && fromServer !== undefined && fromRouter !== fromServer) {
    throw new TypeError(
      `WSRouter option "maxSubscriptionsPerClient" (${fromRouter}) and WSServer option "maxSubscriptionsPerClient" (${fromServer}) conflict: pass one of them`,
    );
  }
  return fromRouter ?? fromServer;
}

/** The bounds every connection's outbound queue gets from the router. */
export function outboundLimitsOf(options: ResolvedRouterOptions): OutboundLimits {
  return {
    queueSize: options.queueSize,
    queueBytes: options.queueBytes,
    slowConsumerPolicy: options.slowConsumerPolicy,
  };
}
