export type { BusAnswer } from './cluster-bus.ts';
export { RedisClusterBus } from './cluster-bus.ts';
export type {
  NodeLeft,
  RedisClusterBusEvents,
  RedisClusterBusOptions,
} from './cluster-options.ts';
export { CLUSTER_BUS_DEFAULTS } from './cluster-options.ts';
export type { EngineHealth, EngineHealthState } from './health.ts';
export type {
  Durability,
  RedisEngineOptions,
  RestartPolicy,
} from './options.ts';
export { REDIS_ENGINE_DEFAULTS } from './options.ts';
export type { EpochChange, Gap } from './reader.ts';
export type { RedisEngineEvents } from './redis-engine.ts';
export { RedisEngine } from './redis-engine.ts';
