import { type Entry, Partition, partitionOf } from './log.ts';
import { SimSubscriber } from './subscriber.ts';

export interface SimConfig {
  partitions: number;
  topics: number;
  publishes: number;
  subscribers: number;
  /** Zipf exponent of topic popularity (0: uniform). */
  skew: number;
  /** Chance per publish that a subscriber goes offline or comes back. */
  churn: number;
  /** Lose partition 0 (a Redis without persistence restarted) after this share of publishes. */
  loseAt: number | undefined;
  /** Appends per second one partition's Redis sustains (an input of the model, not measured). */
  partitionCapacity: number;
  seed: number;
}

export interface SimResult {
  config: SimConfig;
  /** The busiest partition's share of appends: it bounds the whole log. */
  maxShare: number;
  /** partitionCapacity / maxShare: appends per second before the busiest partition saturates. */
  modelRate: number;
  /** Mean partitions read per resume (wildcards read all, exact topics one). */
  readsPerResume: number;
  resumes: number;
  duplicates: number;
  orderViolations: number;
  /** Matching entries missing without a resync for their partition: must be 0. */
  silentGaps: number;
  /** Subscribers told to resync, and how many of them could match a topic of the lost partition. */
  resynced: number;
  couldBeAffected: number;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the model once: publishes, churn, an optional partition loss, then the checks. */
export function simulate(config: SimConfig): SimResult {
  const next = random(config.seed);
  const partitions = Array.from({ length: config.partitions }, (_, i) => new Partition(i));
  const where = (topic: string) => partitionOf(topic, config.partitions);
  const topics = Array.from({ length: config.topics }, (_, i) => `agent.${i}.status`);
  const weights = topics.map((_, i) => 1 / (i + 1) ** config.skew);
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let r = next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r <= 0) return topics[i]!;
    }
    return topics.at(-1)!;
  };
  const pool = ['#', 'agent.*.status', 'agent.1.status', 'agent.2.#', 'agent.7.status'];
  const subscribers = Array.from(
    { length: config.subscribers },
    (_, i) => new SimSubscriber([pool[i % pool.length]!], partitions),
  );
  const all: Entry[] = [];
  let resumes = 0;
  let reads = 0;
  const resume = (s: SimSubscriber) => {
    const read = s.partitionsToRead(config.partitions, where);
    resumes += 1;
    reads += read.size;
    s.resume(partitions, read);
  };
  const loseAfter = config.loseAt === undefined ? -1 : Math.floor(config.loseAt * config.publishes);
  for (let k = 0; k < config.publishes; k++) {
    if (k === loseAfter) partitions[0]!.lose();
    const topic = pick();
    const { entry, duplicate } = partitions[where(topic)]!.append(topic, `m${k}`);
    if (!duplicate) {
      all.push(entry);
      for (const s of subscribers) s.live(entry);
    }
    if (next() < config.churn) {
      const s = subscribers[Math.floor(next() * subscribers.length)]!;
      if (s.online) s.online = false;
      else resume(s);
    }
  }
  for (const s of subscribers) if (!s.online) resume(s);

  let duplicates = 0;
  let orderViolations = 0;
  let silentGaps = 0;
  for (const s of subscribers) {
    const ids = new Set<string>();
    const last = new Map<string, { epoch: string; seq: number }>();
    for (const e of s.received) {
      if (ids.has(e.id)) duplicates += 1;
      ids.add(e.id);
      const before = last.get(e.topic);
      if (before && before.epoch === e.epoch && e.sequenceNumber <= before.seq)
        orderViolations += 1;
      last.set(e.topic, { epoch: e.epoch, seq: e.sequenceNumber });
    }
    const told = new Set(s.resyncs.map((r) => r.partition));
    for (const e of all) {
      if (s.wants(e.topic) && !ids.has(e.id) && !told.has(e.partition)) silentGaps += 1;
    }
  }
  const lostTopics = topics.filter((t) => where(t) === 0);
  const shares = partitions.map((p) => p.appends / Math.max(1, all.length));
  const maxShare = Math.max(...shares);
  return {
    config,
    maxShare,
    modelRate: config.partitionCapacity / maxShare,
    readsPerResume: reads / Math.max(1, resumes),
    resumes,
    duplicates,
    orderViolations,
    silentGaps,
    resynced: subscribers.filter((s) => s.resyncs.length > 0).length,
    couldBeAffected:
      config.loseAt === undefined
        ? 0
        : subscribers.filter((s) => lostTopics.some((t) => s.wants(t))).length,
  };
}
