import {
  describeWithRedis,
  probeRedis,
  REDIS_URL,
  testPrefix,
} from '@switchboard/test-utils/redis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { deleteLog, HubNode, mulberry32 } from '../src/index.ts';
import {
  type Acked,
  expectedFor,
  type Observed,
  observe,
  sequencesByTopic,
} from './support/traffic.ts';

/**
 * Three hub node processes on one Redis; publishers and subscribers (wildcards included)
 * spread over them, each given all three URLs; one node is killed with SIGKILL mid-stream.
 * Every acked publish must reach every matching subscriber exactly once, in log order, and
 * the killed node's clients must be back within 2 s. Seeds: CHAOS_SEEDS=1,2,3 (the default);
 * each run prints its seed, and the same seed gives the same topology and kill point. One
 * more run stops the node gracefully (SIGTERM) instead, with a 30 s backoff on every client:
 * only the move to the next URL at once, on the node's 1001, gets them back within 2 s.
 */
const redis = await probeRedis();
const SEEDS = (process.env.CHAOS_SEEDS ?? '1,2,3').split(',').map(Number);
const RUNS = [
  ...SEEDS.map((seed) => ({ seed, how: 'kill' as const })),
  { seed: SEEDS[0]!, how: 'stop' as const },
];
const NO_QUICK_BACKOFF = { reconnectIntervalMs: 30_000, maxReconnectIntervalMs: 30_000 };
const PUBLISHES = 120;
/** The bound: a client of a dead node is connected elsewhere within 2 s. */
const RECONNECT_BOUND_MS = 2_000;

describeWithRedis('three hub nodes on one Redis, one killed mid-stream', redis, () => {
  const keyPrefix = testPrefix();
  const nodes: HubNode[] = [];
  const start = () => HubNode.start({ redisUrl: REDIS_URL, keyPrefix });

  beforeAll(async () => {
    nodes.push(...(await Promise.all([start(), start(), start()])));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    await deleteLog(REDIS_URL, keyPrefix);
  });

  it.each(RUNS)(
    'seed $seed, $how: nothing acked is lost or doubled, clients move on within 2 s',
    async ({ seed, how }) => {
      console.log(`[chaos] seed ${seed}, ${how} (replay with CHAOS_SEEDS=${seed})`);
      const options = how === 'stop' ? NO_QUICK_BACKOFF : {};
      const random = mulberry32(seed);
      const ns = `${how}${seed}`;
      const urls = nodes.map((node) => node.url);
      const topics = [
        ...[0, 1, 2, 3].map((i) => `${ns}.agent.${i}.status`),
        ...[0, 1, 2].map((i) => `${ns}.task.${i}.progress`),
        `${ns}.swarm.alpha.vote`,
      ];
      const pool = ['#', `${ns}.agent.*.status`, `${ns}.task.#`, `${ns}.#.vote`, `${ns}.*.1.*`];
      const subscribers: Observed[] = [0, 1, 2, 3, 4].map((i) => {
        const patterns = [pool[i % pool.length]!];
        if (random.next() < 0.5) patterns.push(random.pick(pool));
        return observe(`sub-${i}`, urls, [...new Set(patterns)], random, options);
      });
      const publishers = [0, 1, 2].map((i) => observe(`pub-${i}`, urls, [], random, options));
      const everyone = [...subscribers, ...publishers];
      try {
        await Promise.all(everyone.map(({ client }) => client.connect()));
        await Promise.all(subscribers.map(({ client, patterns }) => client.subscribe(patterns)));

        // A node with a subscriber on it, and a publisher too when one has both.
        const on = (group: Observed[], node: HubNode) =>
          group.some((o) => o.client.url === node.url);
        const withSubscriber = nodes.filter((node) => on(subscribers, node));
        const withBoth = withSubscriber.filter((node) => on(publishers, node));
        const victim = random.pick(withBoth.length > 0 ? withBoth : withSubscriber);
        const killAfter = Math.floor(publishers.length * PUBLISHES * (0.25 + 0.5 * random.next()));
        const acked: Acked[] = [];
        let onVictim: Observed[] = [];
        let killedAt = 0;
        let killing: Promise<void> | undefined;
        let duplicates = 0;
        const plans = publishers.map(() =>
          Array.from({ length: PUBLISHES }, () => random.pick(topics)),
        );
        await Promise.all(
          publishers.map(async ({ client, name }, p) => {
            for (const [i, topic] of plans[p]!.entries()) {
              const id = `${ns}-${name}-${i}`;
              const ack = await client.publish(topic, { p, i }, { id });
              acked.push({ id, topic, offset: ack.offset, sequenceNumber: ack.sequenceNumber });
              if (ack.duplicate) duplicates += 1;
              if (acked.length === killAfter) {
                onVictim = everyone.filter(
                  (o) => o.client.isConnected && o.client.url === victim.url,
                );
                killedAt = performance.now();
                killing = how === 'kill' ? victim.kill() : victim.stop();
              }
            }
          }),
        );
        await killing;
        console.log(
          `[chaos] seed ${seed}: ${how} ${victim.url} after ${killAfter} acks; ${onVictim.length} clients were on it; ${duplicates} resent publishes acked as duplicates`,
        );
        expect(onVictim.length).toBeGreaterThan(0);

        await vi.waitFor(
          () => {
            for (const s of subscribers) {
              expect(s.events.length).toBeGreaterThanOrEqual(expectedFor(s, acked).length);
            }
          },
          { timeout: 20_000, interval: 20 },
        );
        for (const s of subscribers) {
          // Exactly once and in log order: the ids delivered are the acked ones, sorted by offset.
          expect(
            s.events.map((e) => e.id),
            s.name,
          ).toEqual(expectedFor(s, acked));
          for (const [topic, sequence] of sequencesByTopic(s.events)) {
            for (let i = 1; i < sequence.length; i++) {
              expect(sequence[i]! > sequence[i - 1]!, `${s.name} ${topic}`).toBe(true);
            }
          }
          expect(s.resyncs, s.name).toEqual([]);
          for (const outcomes of s.resubscribes) {
            expect(
              outcomes.every((o) => o.recovered),
              s.name,
            ).toBe(true);
          }
        }
        const delays = onVictim.map((o) => {
          const back = o.reconnectedAt.find((at) => at > killedAt);
          expect(back, `${o.name} reconnected`).toBeDefined();
          return back! - killedAt;
        });
        const worst = Math.max(...delays);
        console.log(`[chaos] seed ${seed}: reconnected in at most ${worst.toFixed(0)} ms`);
        expect(worst).toBeLessThan(RECONNECT_BOUND_MS);
      } finally {
        await Promise.all(everyone.map(({ client }) => client.disconnect()));
        // The next seed gets three nodes again.
        const dead = nodes.findIndex((node) => !node.running);
        if (dead >= 0) nodes[dead] = await start();
      }
    },
    60_000,
  );
});
