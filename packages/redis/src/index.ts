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
