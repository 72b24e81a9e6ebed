import { checkDuration, checkKnownOptions, checkType, withDefaults } from '@switchboard/protocol';
import type { RedisOptions } from 'ioredis';

export interface RedisClusterBusOptions {
  /** @default process.env.REDIS_URL, else 'redis://127.0.0.1:6379' */
  url?: string;
  /** The hub's name: nodes with the same URL and prefix are one cluster. @default 'switchboard' */
  keyPrefix?: string;
  /** This node's id, unique among live nodes. @default a random UUID */
  nodeId?: string;
  /** How often this node renews its heartbeat key. @default 1_000 */
  heartbeatMs?: number;
  /**
   * A node whose heartbeat is older than this is dead: dropped from `nodes()` and announced
   * as `node-left` (`reason: 'expired'`). At least twice `heartbeatMs`. @default 5_000
   */
  nodeTtlMs?: number;
  /** How long `request` waits for the live nodes' answers. @default 2_000 */
  requestTimeoutMs?: number;
  /** More ioredis options (`tls`, `password`, ...); queueing and naming are the bus's. */
  redisOptions?: RedisOptions;
  /** Connection trouble and failed heartbeats. @default console.error */
  onError?: (error: unknown) => void;
}

export const CLUSTER_BUS_DEFAULTS = {
  keyPrefix: 'switchboard',
  heartbeatMs: 1_000,
  nodeTtlMs: 5_000,
  requestTimeoutMs: 2_000,
  redisOptions: {} as RedisOptions,
} as const;

export interface ResolvedClusterBusOptions {
  url: string;
  keyPrefix: string;
  nodeId: string | undefined;
  heartbeatMs: number;
  nodeTtlMs: number;
  requestTimeoutMs: number;
  redisOptions: RedisOptions;
  onError: (error: unknown) => void;
}

const OWNER = 'RedisClusterBus';
const KNOWN = [
  'url',
  'keyPrefix',
  'nodeId',
  'heartbeatMs',
  'nodeTtlMs',
  'requestTimeoutMs',
  'redisOptions',
  'onError',
] as const satisfies readonly (keyof RedisClusterBusOptions)[];

export function resolveClusterBusOptions(
  options: RedisClusterBusOptions,
): ResolvedClusterBusOptions {
  checkKnownOptions(OWNER, options, KNOWN);
  for (const key of ['url', 'keyPrefix', 'nodeId'] as const)
    checkType(OWNER, key, options[key], 'string');
  if (options.nodeId === '') throw new TypeError(`${OWNER} option "nodeId" must not be empty`);
  for (const key of ['heartbeatMs', 'nodeTtlMs', 'requestTimeoutMs'] as const) {
    checkDuration(OWNER, key, options[key]);
  }
  checkType(OWNER, 'redisOptions', options.redisOptions, 'object');
  checkType(OWNER, 'onError', options.onError, 'function');
  const resolved = withDefaults(CLUSTER_BUS_DEFAULTS, options);
  if (resolved.nodeTtlMs < 2 * resolved.heartbeatMs) {
    throw new TypeError(
      `${OWNER} option "nodeTtlMs" must be at least twice "heartbeatMs" (${resolved.heartbeatMs}), got ${resolved.nodeTtlMs}`,
    );
  }
  return {
    ...resolved,
    url: options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    nodeId: options.nodeId,
    onError: options.onError ?? ((error) => console.error(error)),
  };
}

/** Why a node left the cluster view. */
export interface NodeLeft {
  nodeId: string;
  /** `stopped`: it said so at shutdown; `expired`: its heartbeat ran out (it died). */
  reason: 'stopped' | 'expired';
}

export interface RedisClusterBusEvents {
  'node-joined': (info: { nodeId: string }) => void;
  'node-left': (info: NodeLeft) => void;
}
