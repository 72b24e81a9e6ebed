import {
  describeEngine,
  type EngineTestConfig,
  engineOptions,
} from '@switchboard/engine-conformance';
import { RedisEngine } from '../src/index.ts';
import {
  deleteLogs,
  describeWithRedis,
  probeRedis,
  REDIS_URL,
  testPrefix,
} from './support/redis-service.ts';

const redis = await probeRedis();
const prefixes = new Set<string>();

function options(keyPrefix: string, config: EngineTestConfig) {
  return { url: REDIS_URL, keyPrefix, ...engineOptions(config) };
}

describeWithRedis('RedisEngine on a real Redis', redis, () => {
  describeEngine<RedisEngine>('RedisEngine', {
    capabilities: { clock: true, historyBytes: true, retainedBytes: true },
    create: (config) => {
      const keyPrefix = testPrefix();
      prefixes.add(keyPrefix);
      return new RedisEngine(options(keyPrefix, config));
    },
    // A second hub node: same Redis, same key prefix.
    peer: (engine, config) => new RedisEngine(options(engine.keyPrefix, config)),
    cleanup: async () => {
      await deleteLogs(prefixes);
      prefixes.clear();
    },
  });
});
