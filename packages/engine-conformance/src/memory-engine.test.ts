import { MemoryEngine } from '@switchboard/router';
import { describeEngine, engineOptions } from './index.ts';

describeEngine('MemoryEngine', {
  capabilities: { clock: true, historyBytes: true, retainedBytes: true },
  create: (config) => new MemoryEngine(engineOptions(config)),
});
