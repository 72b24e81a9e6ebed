/**
 * Router worker: SubscriptionIndex lookups with 1k to 1M subscriptions, in its own process on
 * the server core (big heaps are built and dropped here, not in the orchestrator).
 */
import { SubscriptionIndex } from '@switchboard/router';
import { childConfig, collectGarbage, emit, serve } from '../process/child-runtime.ts';
import type { RouterCommands, RouterRun } from './commands.ts';

childConfig<Record<string, never>>();

/**
 * Subscriptions shaped like a busy hub's: per-agent and per-task exact, `*` and `#` patterns on
 * distinct ids, plus a few broad wildcards every lookup has to consider. Most subscriptions
 * match nothing a given topic names; the trie must not pay for them.
 */
function build(size: number): SubscriptionIndex<number> {
  const index = new SubscriptionIndex<number>();
  const broad = ['agent.*.status', '#.error', 'bench.#'];
  for (let i = 0; i < size - broad.length; i++) {
    switch (i % 5) {
      case 0:
      case 1:
        index.add(`agent.${i}.status`, i);
        break;
      case 2:
        index.add(`task.${i}.#`, i);
        break;
      case 3:
        index.add(`agent.${i}.*`, i);
        break;
      default:
        index.add(`swarm.${i}.vote.*`, i);
    }
  }
  for (const [k, pattern] of broad.entries()) index.add(pattern, -1 - k);
  return index;
}

/** Topics naming subscriptions spread over the whole index (cold memory as well as hot). */
function topics(size: number): string[] {
  const out: string[] = [];
  const ids = Math.max(1, size - 3);
  for (let n = 0; n < 4_096; n++) {
    const id = (n * 7_919) % ids;
    const base = id - (id % 5);
    out.push(
      `agent.${base}.status`,
      `task.${base + 2}.error`,
      `agent.${base + 3}.log`,
      `swarm.${base + 4}.vote.yes`,
    );
  }
  return out;
}

function heapUsed(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

function measure(size: number, lookups: number): RouterRun {
  const heapBefore = heapUsed();
  let started = performance.now();
  const index = build(size);
  const buildMs = performance.now() - started;
  const heapBytes = heapUsed() - heapBefore;
  const list = topics(size);
  let matched = 0;
  const count = () => {
    matched += 1;
  };
  for (let i = 0; i < 50_000; i++) index.forEachMatch(list[i % list.length]!, count);
  matched = 0;
  started = performance.now();
  for (let i = 0; i < lookups; i++) index.forEachMatch(list[i % list.length]!, count);
  const forEachMs = performance.now() - started;
  const forEachMatched = matched;
  let viaSet = 0;
  started = performance.now();
  for (let i = 0; i < lookups; i++) viaSet += index.match(list[i % list.length]!).size;
  const matchMs = performance.now() - started;
  if (viaSet !== forEachMatched) {
    throw new Error(`match and forEachMatch disagree: ${viaSet} vs ${forEachMatched}`);
  }
  return {
    subscriptions: index.size,
    buildMs: Math.round(buildMs),
    heapBytes,
    lookups,
    matchedPerLookup: forEachMatched / lookups,
    forEachMatchPerSec: (lookups / forEachMs) * 1000,
    matchPerSec: (lookups / matchMs) * 1000,
  };
}

serve<RouterCommands>({
  run: ({ sizes, lookups }) => sizes.map((size) => measure(size, lookups)),
});

emit('ready');
