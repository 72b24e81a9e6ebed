/**
 * Router benchmark: `SubscriptionIndex` match throughput as non-matching subscriptions grow
 * (1k, 100k, 1M), and `MemoryEngine` append and replay throughput with a 10k history.
 *
 *   pnpm --filter @switchboard/router bench
 *   (node --conditions=source --import tsx bench/router.bench.ts)
 *
 * Prints a table and writes bench/results/router.json at the repository root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { matches } from '@switchboard/protocol';
import { MemoryEngine, SubscriptionIndex } from '../src/index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SIZES = [1_000, 100_000, 1_000_000];
const MATCH_OPS = 500_000;
const APPENDS = 300_000;

/**
 * Subscriptions of a hub with per-agent and per-task topics: mostly exact and prefix
 * patterns on distinct ids, plus a few broad wildcards every topic has to consider.
 */
function buildIndex(size: number): SubscriptionIndex<number> {
  const index = new SubscriptionIndex<number>();
  for (let i = 0; i < size; i++) {
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        index.add(`agent.${i}.status`, i);
        break;
      case 4:
      case 5:
      case 6:
        index.add(`task.${i}.#`, i);
        break;
      case 7:
        index.add(`agent.${i}.*`, i);
        break;
      case 8:
        index.add(`swarm.${i}.vote.*`, i);
        break;
      default:
        index.add(`task.${i}.result`, i);
    }
  }
  index.add('agent.*.status', -1); // a dashboard
  index.add('#.error', -2); // an error monitor
  index.add('*.x.*', -3);
  return index;
}

/**
 * Topics that each hit a few subscriptions (1.67 on average, plus `*`/`#` branches to try).
 * `hot` draws them from 1,000 active agents and tasks, as a live hub does; `spread` draws
 * them uniformly from every subscription, so each lookup also lands on cold memory.
 */
function queryTopics(size: number, spread: boolean): string[] {
  const range = spread ? Math.max(1, size / 10) : Math.min(100, Math.max(1, size / 10));
  const topics: string[] = [];
  for (let n = 0; n < 1_000; n++) {
    const base = Math.floor((n * 7919) % range) * 10;
    topics.push(
      `agent.${base + (n % 4)}.status`,
      `task.${base + 4}.error`,
      `agent.${base + 7}.log`,
    );
  }
  return topics;
}

function opsPerSecond(ops: number, ms: number): number {
  return Math.round((ops / ms) * 1000);
}

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

interface MatchResult {
  subscriptions: number;
  buildMs: number;
  heapMb: number;
  avgMatched: number;
  /** forEachMatch over the hot topic set. */
  forEachMatchPerSec: number;
  nsPerForEachMatch: number;
  /** match() (builds a Set) over the hot topic set. */
  matchPerSec: number;
  /** forEachMatch over topics spread across all subscriptions. */
  spreadForEachMatchPerSec: number;
  spreadNsPerForEachMatch: number;
}

function timeForEachMatch(index: SubscriptionIndex<number>, topics: string[]) {
  let delivered = 0;
  const count = () => {
    delivered++;
  };
  for (let i = 0; i < 100_000; i++) index.forEachMatch(topics[i % topics.length]!, count);
  delivered = 0;
  const started = performance.now();
  for (let i = 0; i < MATCH_OPS; i++) index.forEachMatch(topics[i % topics.length]!, count);
  return { ms: performance.now() - started, delivered };
}

function benchMatch(size: number): MatchResult {
  const heapBefore = heapMb();
  let started = performance.now();
  const index = buildIndex(size);
  const buildMs = performance.now() - started;
  const heap = heapMb() - heapBefore;

  const hotTopics = queryTopics(size, false);
  const hot = timeForEachMatch(index, hotTopics);
  let sink = 0;
  started = performance.now();
  for (let i = 0; i < MATCH_OPS; i++) sink += index.match(hotTopics[i % hotTopics.length]!).size;
  const matchMs = performance.now() - started;
  if (sink !== hot.delivered) {
    throw new Error(`match and forEachMatch disagree: ${sink} vs ${hot.delivered}`);
  }
  const spread = timeForEachMatch(index, queryTopics(size, true));

  return {
    subscriptions: index.size,
    buildMs: Math.round(buildMs),
    heapMb: Math.round(heap),
    avgMatched: Number((hot.delivered / MATCH_OPS).toFixed(2)),
    forEachMatchPerSec: opsPerSecond(MATCH_OPS, hot.ms),
    nsPerForEachMatch: Math.round((hot.ms * 1e6) / MATCH_OPS),
    matchPerSec: opsPerSecond(MATCH_OPS, matchMs),
    spreadForEachMatchPerSec: opsPerSecond(MATCH_OPS, spread.ms),
    spreadNsPerForEachMatch: Math.round((spread.ms * 1e6) / MATCH_OPS),
  };
}

function benchMatchesFunction(): number {
  const pairs: Array<[string, string]> = [
    ['agent.*.status', 'agent.42.status'],
    ['task.#', 'task.9.done'],
    ['#.error', 'task.9.error'],
    ['a.#.b.c', 'a.x.b.y.b.c'],
  ];
  let hits = 0;
  const started = performance.now();
  for (let i = 0; i < MATCH_OPS; i++) {
    const [p, t] = pairs[i % pairs.length]!;
    if (matches(p, t)) hits++;
  }
  if (hits !== MATCH_OPS) throw new Error('matches() benchmark pairs must all match');
  return opsPerSecond(MATCH_OPS, performance.now() - started);
}

interface AppendResult {
  scenario: string;
  appends: number;
  appendsPerSec: number;
  topicsAfter: number;
}

async function benchAppend(
  scenario: string,
  topicOf: (i: number) => string,
): Promise<AppendResult> {
  const engine = new MemoryEngine({ historySize: 10_000 });
  for (let i = 0; i < 20_000; i++) await engine.append({ id: `w${i}`, topic: topicOf(i), data: i });
  const started = performance.now();
  for (let i = 0; i < APPENDS; i++) {
    await engine.append({ id: `m${i}`, topic: topicOf(i), data: { i } });
  }
  const ms = performance.now() - started;
  const topicsAfter = engine.stats().topics;
  await engine.close();
  return { scenario, appends: APPENDS, appendsPerSec: opsPerSecond(APPENDS, ms), topicsAfter };
}

async function benchReplay(): Promise<{ entries: number; ms: number }> {
  const engine = new MemoryEngine({ historySize: 10_000 });
  for (let i = 0; i < 30_000; i++) {
    await engine.append({ id: `m${i}`, topic: `agent.${i % 100}.status`, data: i });
  }
  let best = Number.POSITIVE_INFINITY;
  let entries = 0;
  for (let run = 0; run < 10; run++) {
    const started = performance.now();
    const read = await engine.read({ after: 20_000, patterns: ['agent.*.status'], limit: 10_000 });
    best = Math.min(best, performance.now() - started);
    entries = read.entries.length;
  }
  await engine.close();
  return { entries, ms: Number(best.toFixed(2)) };
}

const wallStart = performance.now();
const matchResults: MatchResult[] = [];
for (const size of SIZES) matchResults.push(benchMatch(size));
const matchesPerSec = benchMatchesFunction();
const appendResults = [
  await benchAppend('1,000 recurring topics', (i) => `agent.${i % 1000}.status`),
  await benchAppend('distinct topic per append (pruning)', (i) => `task.${i}.done`),
];
const replay = await benchReplay();

console.log(`\nSubscriptionIndex match, ${MATCH_OPS.toLocaleString()} lookups per column`);
console.table(
  matchResults.map((r) => ({
    subscriptions: r.subscriptions.toLocaleString(),
    'build ms': r.buildMs,
    'heap MB': r.heapMb,
    'matched/topic': r.avgMatched,
    'hot forEachMatch/s': r.forEachMatchPerSec.toLocaleString(),
    'hot ns': r.nsPerForEachMatch,
    'hot match()/s': r.matchPerSec.toLocaleString(),
    'spread forEachMatch/s': r.spreadForEachMatchPerSec.toLocaleString(),
    'spread ns': r.spreadNsPerForEachMatch,
  })),
);
console.log(`matches(pattern, topic): ${matchesPerSec.toLocaleString()}/s`);
console.log('\nMemoryEngine append (historySize 10,000, awaited one by one)');
console.table(
  appendResults.map((r) => ({
    scenario: r.scenario,
    'appends/s': r.appendsPerSec.toLocaleString(),
    'topics after': r.topicsAfter.toLocaleString(),
  })),
);
console.log(
  `replay of ${replay.entries.toLocaleString()} entries from history: ${replay.ms} ms (best of 10)`,
);

const wallSeconds = Number(((performance.now() - wallStart) / 1000).toFixed(1));
console.log(`\ntotal ${wallSeconds} s`);

const outDir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const outFile = `${outDir}router.json`;
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      benchmark: '@switchboard/router',
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      match: matchResults,
      matchesFunctionPerSec: matchesPerSec,
      append: appendResults,
      replay,
      wallSeconds,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${outFile}`);
