import { randomUUID } from 'node:crypto';
import { createHistogram } from 'node:perf_hooks';
import Redis from 'ioredis';
import { nowUs, sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import type {
  LatencySamples,
  PublisherCommands,
  SubscriberCommands,
  SubscriberProgress,
} from '../load/commands.ts';
import { formatError } from '../log.ts';
import { Child } from '../process/child.ts';
import type { Scenario } from '../registry.ts';
import { integer, ms } from '../report/format.ts';
import type { ScenarioReport, Table } from '../report/model.ts';
import type { ServerCommands, ServerMark } from '../server/commands.ts';

/** One way of running the hub: its engine and how many nodes. */
export interface ClusterSetup {
  label: string;
  engine: 'memory' | 'redis';
  nodes: number;
}

export const CLUSTER_SETUPS: readonly ClusterSetup[] = [
  { label: '1 node, memory', engine: 'memory', nodes: 1 },
  { label: '1 node, Redis', engine: 'redis', nodes: 1 },
  { label: '3 nodes, Redis', engine: 'redis', nodes: 3 },
];

export interface ClusterRun {
  setup: ClusterSetup;
  subscribers: number;
  publishesPerSec: number;
  /** Per node: deliveries in the window over that node's CPU seconds. */
  deliveriesPerCpuSecond: number[];
  /** Per node: its share of one core over the window. */
  nodeCpu: number[];
  /** redis-server's CPU seconds over the window (INFO cpu), when on Redis. */
  redisCpuSeconds: number | undefined;
  p50Us: number;
  p99Us: number;
  delivered: number;
  expected: number;
  sampleErrors: string[];
}

/**
 * The same paced fan-out (the latency scenario's method: scheduled send times in the
 * payload, missing deliveries counted with their wait so far) against each setup: the
 * publisher on node 0, the subscribers spread evenly over the nodes, so with 3 nodes two
 * thirds of the deliveries cross Redis to another node.
 */
export async function measureCluster(ctx: BenchContext, setup: ClusterSetup): Promise<ClusterRun> {
  const c = ctx.config.cluster;
  const keyPrefix = `bench-cluster-${randomUUID()}`;
  const redis = setup.engine === 'redis' ? { url: c.redisUrl, keyPrefix } : undefined;
  const children: { kill(): Promise<unknown> }[] = [];
  const track = <T extends { kill(): Promise<unknown> }>(child: T): T => {
    children.push(child);
    return child;
  };
  try {
    const nodes = Array.from({ length: setup.nodes }, (_, i) =>
      track(
        Child.spawn<ServerCommands>({
          name: `${setup.label} node ${i}`,
          entry: 'server/main.ts',
          config: { target: 'switchboard', ...(redis ? { switchboard: { redis } } : {}) },
          role: 'server',
        }),
      ),
    );
    const groups = nodes.map((_, i) =>
      track(
        Child.spawn<SubscriberCommands>({
          name: `${setup.label} subscribers ${i}`,
          entry: 'load/subscribers-main.ts',
          config: {
            name: `sub${i}`,
            target: 'switchboard',
            count:
              Math.floor(c.subscribers / setup.nodes) + (i < c.subscribers % setup.nodes ? 1 : 0),
            witness: false,
            progressMs: 20,
            concurrency: 100,
          },
          role: 'load',
        }),
      ),
    );
    const publisher = track(
      Child.spawn<PublisherCommands>({
        name: `${setup.label} publisher`,
        entry: 'load/publisher-main.ts',
        config: { name: 'pub', target: 'switchboard' },
        role: 'load',
      }),
    );
    const ports = await Promise.all(
      nodes.map(async (node) => ((await node.ready(60_000)) as { port: number }).port),
    );
    await Promise.all([...groups.map((g) => g.ready(60_000)), publisher.ready(60_000)]);
    await Promise.all(groups.map((g, i) => g.call('connect', { port: ports[i]! }, 300_000)));
    await publisher.call('connect', { port: ports[0]! }, 30_000);
    const progressOf: SubscriberProgress[] = groups.map(() => ({ min: 0, max: 0, total: 0 }));
    for (const [i, g] of groups.entries()) {
      g.on('progress', (data) => {
        progressOf[i] = data as SubscriberProgress;
      });
    }
    const minimum = () => Math.min(...progressOf.map((p) => p.min));

    const intervalUs = 1e6 / c.publishesPerSec;
    const warmupCount = Math.round((c.warmupMs / 1000) * c.publishesPerSec);
    const count = warmupCount + Math.round((c.windowMs / 1000) * c.publishesPerSec);
    ctx.progress(
      `cluster ${setup.label}: ${c.publishesPerSec} publishes/s to ${c.subscribers} subscribers (${integer(c.publishesPerSec * c.subscribers)} deliveries/s)`,
    );
    const t0Us = nowUs() + 300_000;
    const measureFromUs = Math.round(t0Us + warmupCount * intervalUs);
    await Promise.all(groups.map((g) => g.call('arm', { measureFromUs })));
    const sending = publisher.call(
      'paced',
      { t0Us, intervalUs, count },
      c.warmupMs + c.windowMs + 120_000,
    );
    await sleep(Math.max(0, (measureFromUs - nowUs()) / 1000));
    const [m0, r0] = await Promise.all([marks(nodes), redisCpu(redis?.url)]);
    await sending;
    const [m1, r1] = await Promise.all([marks(nodes), redisCpu(redis?.url)]);
    const lastUs = t0Us + (count - 1) * intervalUs;
    const graceEnd = performance.now() + Math.max(0, (lastUs - nowUs()) / 1000) + c.graceMs;
    while (performance.now() < graceEnd && minimum() < count) await sleep(20);
    const endUs = nowUs();
    const results: LatencySamples[] = await Promise.all(
      groups.map((g) => g.call('finish', { endUs, t0Us, intervalUs, count, warmupCount }, 120_000)),
    );
    const states = await Promise.all(groups.map((g) => g.call('verify', null)));
    const histogram = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
    let delivered = 0;
    let expected = 0;
    for (const result of results) {
      for (const sample of result.samples) histogram.record(Math.max(1, sample));
      for (const sample of result.missing) histogram.record(Math.max(1, sample));
      delivered += result.delivered;
      expected += result.expected;
    }
    const perNode = m0.map((before, i) => {
      const after = m1[i]!;
      const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6;
      const deliveries = (after.counters.deliveries ?? 0) - (before.counters.deliveries ?? 0);
      return {
        rate: deliveries / Math.max(cpuSeconds, 1e-9),
        cpu: cpuSeconds / ((after.hrUs - before.hrUs) / 1e6),
      };
    });
    const run: ClusterRun = {
      setup,
      subscribers: c.subscribers,
      publishesPerSec: c.publishesPerSec,
      deliveriesPerCpuSecond: perNode.map((n) => n.rate),
      nodeCpu: perNode.map((n) => n.cpu),
      redisCpuSeconds: r0 !== undefined && r1 !== undefined ? r1 - r0 : undefined,
      p50Us: histogram.percentile(50),
      p99Us: histogram.percentile(99),
      delivered,
      expected,
      sampleErrors: states.flatMap((s) => s.errors),
    };
    ctx.progress(
      `cluster ${setup.label}: p50 ${ms(run.p50Us)} ms, p99 ${ms(run.p99Us)} ms, delivered ${integer(delivered)}/${integer(expected)}, deliveries per CPU-second per node ${run.deliveriesPerCpuSecond.map(integer).join(' / ')}`,
    );
    return run;
  } finally {
    for (const child of children) await child.kill();
    if (redis) await deleteLog(redis.url, redis.keyPrefix).catch(() => {});
  }
}

function marks(nodes: Child<ServerCommands>[]): Promise<ServerMark[]> {
  return Promise.all(nodes.map((node) => node.call('mark', null)));
}

/** used_cpu_user + used_cpu_sys of the redis-server, in seconds. */
async function redisCpu(url: string | undefined): Promise<number | undefined> {
  if (url === undefined) return undefined;
  const client = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
    return field('used_cpu_user') + field('used_cpu_sys');
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** The engine's keys are `{keyPrefix}:...` (its README). */
async function deleteLog(url: string, keyPrefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    const keys = await client.keys(`{${keyPrefix}}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

export const clusterScenario: Scenario = {
  id: 'cluster',
  title: 'Several nodes on Redis',
  description:
    'The same paced fan-out against 1 node on the in-memory engine, 1 node on Redis and 3 nodes on one Redis (publisher on node 0, subscribers spread over the nodes): deliveries per server CPU-second per node and publish-to-delivery latency.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const runs: ClusterRun[] = [];
    const failures: string[] = [];
    for (const setup of CLUSTER_SETUPS) {
      try {
        runs.push(await measureCluster(ctx, setup));
      } catch (error) {
        failures.push(`${setup.label}: ${formatError(error).split('\n')[0]}`);
        ctx.progress(`cluster ${setup.label} failed: ${formatError(error)}`);
      }
    }
    const c = ctx.config.cluster;
    const table: Table = {
      title: `Several nodes, ${integer(c.subscribers)} subscribers, ${c.publishesPerSec} publishes/s`,
      columns: [
        'setup',
        'deliveries / CPU-s per node',
        'node CPU',
        'Redis CPU-s',
        'p50 ms',
        'p99 ms',
        'delivered',
      ],
      rows: runs.map((r) => [
        r.setup.label,
        r.deliveriesPerCpuSecond.map(integer).join(' / '),
        r.nodeCpu.map((cpu) => `${Math.round(cpu * 100)}%`).join(' / '),
        r.redisCpuSeconds === undefined ? '-' : r.redisCpuSeconds.toFixed(2),
        ms(r.p50Us),
        ms(r.p99Us),
        `${integer(r.delivered)}/${integer(r.expected)}`,
      ]),
      notes: [
        'All nodes run on the server core; Redis is not pinned and its CPU is not in the per-node figures (its own column).',
        ...failures.map((f) => `failed: ${f}`),
        ...runs.flatMap((r) => r.sampleErrors.map((e) => `${r.setup.label}: ${e}`)),
      ],
    };
    return { tables: [table], checks: [], data: { runs } };
  },
};
