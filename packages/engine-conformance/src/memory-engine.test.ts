import { MemoryEngine } from '@switchboard/router';
import { describeEngine } from './index.ts';

describeEngine('MemoryEngine', {
  capabilities: { clock: true },
  create: ({ historySize, historyTtlMs, now, onError }) =>
    new MemoryEngine({ historySize, historyTtlMs, now, onError }),
});
