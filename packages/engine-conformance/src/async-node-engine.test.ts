import { type AsyncNodeEngine, SharedLog } from './async-node-engine.ts';
import { describeEngine } from './index.ts';

// The suite against a stand-in cluster engine: proves the peer tests and the waits for late
// delivery pass for an engine that keeps the contract, before a real cluster engine exists.
describeEngine<AsyncNodeEngine>('asynchronous nodes sharing one MemoryEngine', {
  capabilities: { clock: true, historyBytes: true, retainedBytes: true },
  create: (config) => new SharedLog(config).node(config.onError),
  peer: (engine, config) => engine.log.node(config.onError),
});
