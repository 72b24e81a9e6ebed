import { isReservedTopic, type KpiSnapshot, METRICS_TOPIC } from '@switchboard/protocol';
import type { StatsReport } from './http-endpoints.ts';

/** Prefixes counted per interval at most; publishes to more count towards `(other)`. */
const MAX_PREFIXES = 1_000;
const BUSIEST_SHOWN = 5;
const OTHER = '(other)';

/** What the sampler reads from the hub: the `/stats` counters are the one source of truth. */
export interface KpiSource {
  readonly name: string;
  stats(): StatsReport;
  uptimeSeconds(): number;
  /** Distinct principals with an open connection. */
  principals(): number;
  /** Whether a connection of this node subscribes to a pattern matching `topic`. */
  watched(topic: string): boolean;
  /** Publishes from the hub itself; resolves once in the log. */
  publish(topic: string, data: KpiSnapshot): Promise<unknown>;
  error(error: unknown): void;
}

/** `agent.ada.status` → `agent.ada`: the part of a topic that names who publishes. */
export function topicPrefix(topic: string): string {
  const first = topic.indexOf('.');
  if (first < 0) return topic;
  const second = topic.indexOf('.', first + 1);
  return second < 0 ? topic : topic.slice(0, second);
}

/**
 * Publishes a KPI snapshot on `$metrics` every `intervalMs`: counters and rates from the
 * hub's `stats()` (the numbers `/stats` serves), principals online and the busiest topic
 * prefixes, counted here from each fanned-out entry (a map increment per publish, bounded
 * to 1,000 prefixes per interval). Node-local. A snapshot nobody on this node subscribes to
 * is not published, so an idle hub's log does not fill with them; the last one published
 * stays retained for `since: 'last'`.
 */
export class KpiSampler {
  readonly #intervalMs: number;
  readonly #source: KpiSource;
  #timer: NodeJS.Timeout | undefined;
  #prefixes = new Map<string, number>();
  #previous: { published: number; delivered: number; dropped: number; at: number } | undefined;

  constructor(intervalMs: number, source: KpiSource) {
    this.#intervalMs = intervalMs;
    this.#source = source;
  }

  /** Starts the timer; 0 means off. */
  start(): void {
    if (this.#intervalMs === 0 || this.#timer !== undefined) return;
    this.#previous = this.#counters(Date.now());
    this.#timer = setInterval(() => this.tick(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Counts one entry fanned out by this node (the router's `published` activity). */
  count(topic: string): void {
    if (this.#timer === undefined || isReservedTopic(topic)) return;
    const prefix = topicPrefix(topic);
    const current = this.#prefixes.get(prefix);
    if (current !== undefined) this.#prefixes.set(prefix, current + 1);
    else if (this.#prefixes.size < MAX_PREFIXES) this.#prefixes.set(prefix, 1);
    else this.#prefixes.set(OTHER, (this.#prefixes.get(OTHER) ?? 0) + 1);
  }

  /** Takes a snapshot and publishes it when someone here watches `$metrics`. */
  tick(now = Date.now()): KpiSnapshot {
    const snapshot = this.snapshot(now);
    if (this.#source.watched(METRICS_TOPIC)) {
      this.#source.publish(METRICS_TOPIC, snapshot).catch((error) => this.#source.error(error));
    }
    return snapshot;
  }

  /** The KPIs since the previous snapshot; starts the next interval. */
  snapshot(now = Date.now()): KpiSnapshot {
    const stats = this.#source.stats();
    const previous = this.#previous ?? this.#counters(now);
    const seconds = Math.max((now - previous.at) / 1000, 1e-3);
    // A counter that went down (it cannot, short of a restart) counts from zero.
    const rate = (current: number, before: number) =>
      round((current >= before ? current - before : current) / seconds);
    const busiest = [...this.#prefixes]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, BUSIEST_SHOWN)
      .map(([prefix, count]) => ({ prefix, perSecond: round(count / seconds) }));
    this.#prefixes = new Map();
    this.#previous = this.#counters(now, stats);
    const principals = this.#source.principals();
    const publishesPerSecond = rate(stats.published, previous.published);
    return {
      node: this.#source.name,
      at: now,
      intervalMs: Math.max(1, Math.round(now - previous.at)),
      uptimeSeconds: this.#source.uptimeSeconds(),
      connections: stats.connections,
      principals,
      subscriptions: stats.subscriptions,
      topics: stats.topics,
      published: stats.published,
      delivered: stats.delivered,
      dropped: stats.dropped,
      publishesPerSecond,
      deliveriesPerSecond: rate(stats.delivered, previous.delivered),
      dropsPerSecond: rate(stats.dropped, previous.dropped),
      busiestPrefixes: busiest,
      active_sessions: stats.connections,
      active_agents: principals,
      actions_per_minute: round(publishesPerSecond * 60),
    };
  }

  #counters(at: number, stats: StatsReport = this.#source.stats()) {
    return { published: stats.published, delivered: stats.delivered, dropped: stats.dropped, at };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
