/** @internal The server keeps each connection's patterns in one. */
export { CompactSet } from './compact-set.ts';
export type {
  AppendInput,
  AppendOutcome,
  DeliveryLoss,
  Engine,
  EngineHealthSummary,
  EngineStats,
  EntryListener,
  Interest,
  InterestEvents,
  LogEntry,
  ReadOutcome,
  ReadRequest,
  StreamPosition,
} from './engine.ts';
export { MemoryEngine } from './memory-engine.ts';
export type { MemoryEngineOptions } from './memory-engine-options.ts';
export { MEMORY_ENGINE_DEFAULTS } from './memory-engine-options.ts';
export { SubscriptionIndex } from './subscription-index.ts';
