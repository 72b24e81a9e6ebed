import { MemoryEngine } from '@switchboard/router';
import { describeEngine } from './index.ts';

describeEngine('MemoryEngine', {
  capabilities: { clock: true, historyBytes: true, retainedBytes: true },
  create: ({ historySize, historyTtlMs, historyBytes, retainedBytes, now, onError }) =>
    new MemoryEngine({ historySize, historyTtlMs, historyBytes, retainedBytes, now, onError }),
});
