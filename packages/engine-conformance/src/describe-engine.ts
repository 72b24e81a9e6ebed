import type { Engine } from '@switchboard/router';
import { afterEach, beforeAll, describe } from 'vitest';
import { appendContract } from './contract/append.ts';
import { bytesContract } from './contract/bytes.ts';
import { deliveryContract } from './contract/delivery.ts';
import { duplicatesContract } from './contract/duplicates.ts';
import { lifecycleContract } from './contract/lifecycle.ts';
import { peersContract } from './contract/peers.ts';
import { readContract } from './contract/read.ts';
import { retainedContract } from './contract/retained.ts';
import { type Capability, type EngineFactory, missingReason } from './factory.ts';
import { Harness } from './harness.ts';

/**
 * Registers the `Engine` contract as vitest tests against the engines `factory` makes. Call
 * it at the top level of a test file. Tests that need a capability the factory does not
 * declare are registered as skipped, with the reason in their name and a notice on stderr.
 */
export function describeEngine<E extends Engine>(name: string, factory: EngineFactory<E>): void {
  const h = new Harness(factory as EngineFactory);
  describe(`Engine contract: ${name}`, () => {
    // Nested describe blocks register their tests after this body ran: report at run time.
    beforeAll(() => warnAboutSkipped(name, h));
    afterEach(() => h.teardown());
    lifecycleContract(h);
    appendContract(h);
    duplicatesContract(h);
    readContract(h);
    bytesContract(h);
    retainedContract(h);
    deliveryContract(h);
    peersContract(h);
  });
}

function warnAboutSkipped(name: string, h: Harness): void {
  const missing = new Map<Capability, number>();
  for (const { capability } of h.skipped) {
    missing.set(capability, (missing.get(capability) ?? 0) + 1);
  }
  for (const [capability, count] of missing) {
    const reason = missingReason(capability);
    console.warn(`[skip] ${name}: ${count} contract test(s) need "${capability}": ${reason}`);
  }
}
