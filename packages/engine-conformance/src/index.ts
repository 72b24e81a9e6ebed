export { describeEngine } from './describe-engine.ts';
export type {
  Capability,
  EngineCapabilities,
  EngineFactory,
  EngineTestConfig,
} from './factory.ts';
export { DEFAULT_TEST_CONFIG, engineOptions } from './factory.ts';
