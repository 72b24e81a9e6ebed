import { SwitchboardError } from '@switchboard/protocol';
import { expect } from 'vitest';
import { MemoryEngine } from '../../src/memory-engine.ts';
import type { MemoryEngineOptions } from '../../src/memory-engine-options.ts';

/** Helpers shared by the MemoryEngine tests. */

export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function engine(options: MemoryEngineOptions = {}) {
  return new MemoryEngine({ epoch: 'e1', ...options });
}

let nextId = 0;
export const publish = (e: MemoryEngine, topic: string, data: unknown = null) =>
  e.append({ id: `m${++nextId}`, topic, data });

export async function rejection(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  return error as SwitchboardError;
}
