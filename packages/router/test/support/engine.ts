import { MemoryEngine } from '../../src/memory-engine.ts';
import type { MemoryEngineOptions } from '../../src/memory-engine-options.ts';

/**
 * Helpers shared by the MemoryEngine tests. The helpers of the engine-agnostic tests live
 * in @switchboard/engine-conformance, which the router cannot depend on.
 */

export function engine(options: MemoryEngineOptions = {}) {
  return new MemoryEngine({ epoch: 'e1', ...options });
}

/** `gc()`, for tests that measure the heap. */
export async function exposeGc(): Promise<() => void> {
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

let nextId = 0;
export const publish = (e: MemoryEngine, topic: string, data: unknown = null) =>
  e.append({ id: `m${++nextId}`, topic, data });
