import type { Engine, EngineStats } from '@switchboard/router';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import type { StatsReport } from './http-endpoints.ts';
import type { HubCounters } from './metrics-counters.ts';
import type { ResolvedMetricsOptions } from './metrics-options.ts';

/** @internal What the metrics read from the hub, at scrape time. */
export interface MetricsSource {
  stats(): StatsReport;
  readonly counters: HubCounters;
  /** Bytes waiting in every connection's outbound queue (and socket buffer). */
  queuedBytes(): number;
  /** The attached router's engine, if a router attached. */
  engine(): Engine | undefined;
}

/** What an engine with a `health()` (RedisEngine) reports that the metrics read. */
interface EngineHealthFigures {
  ok: boolean;
  lag: number;
  reconnects: number;
  stalls: number;
  gaps: number;
  missedEntries: number;
  epochChanges: number;
}

interface Snapshot {
  stats: StatsReport;
  queuedBytes: number;
  engine: EngineStats | undefined;
  health: EngineHealthFigures | undefined;
}

type Read = (snapshot: Snapshot, counters: HubCounters) => number | undefined;

/** Latency buckets in seconds: 50 µs to 5 s. */
const LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
  5,
];

const GAUGES: [string, string, Read][] = [
  ['connections', 'Open WebSocket connections (authenticated or not).', (s) => s.stats.connections],
  [
    'pending_upgrades',
    'TCP connections not upgraded yet (they count against the connection limits).',
    (s) => s.stats.pendingUpgrades,
  ],
  ['subscriptions', 'Subscriptions held by this node’s clients.', (s) => s.stats.subscriptions],
  ['topics', 'Topics with per-topic state in the engine.', (s) => s.stats.topics],
  [
    'paused_reads',
    'Connections not being read because the hub’s writes are behind.',
    (s) => s.stats.pausedReads,
  ],
  [
    'outbound_queue_bytes',
    'Bytes waiting to be written to clients, over every connection.',
    (s) => s.queuedBytes,
  ],
  ['engine_history_entries', 'Entries held in history.', (s) => s.engine?.historySize],
  ['engine_history_bytes', 'Bytes of the entries held in history.', (s) => s.engine?.historyBytes],
  [
    'engine_retained_bytes',
    'Bytes of last values kept for topics with no entries left in history.',
    (s) => s.engine?.retainedBytes,
  ],
  ['engine_head_offset', 'Offset of the newest entry this node delivered.', (s) => s.engine?.head],
  [
    'engine_lag_entries',
    'Entries the shared log is known to hold that this node has not delivered yet (engines with health(), e.g. RedisEngine).',
    (s) => s.health?.lag,
  ],
  [
    'engine_up',
    '1 while the engine is live (engines with health()), else 0.',
    (s) => (s.health === undefined ? undefined : s.health.ok ? 1 : 0),
  ],
];

const COUNTERS: [string, string, Read][] = [
  ['connections_opened_total', 'WebSocket connections accepted.', (_, c) => c.opened],
  ['handshakes_total', 'Handshakes that ended in a welcome.', (_, c) => c.handshakes],
  [
    'messages_received_total',
    'WebSocket messages received, valid or not (what /stats calls messagesIn).',
    (s) => s.stats.messagesIn,
  ],
  [
    'frames_sent_total',
    'Frames written to clients (events, replies, server messages).',
    (s) => s.stats.messagesOut,
  ],
  [
    'published_total',
    'Log entries this node fanned out (its clients’ publishes and, on a shared engine, other nodes’).',
    (s) => s.stats.published,
  ],
  ['deliveries_total', 'Live events queued to a connection.', (s) => s.stats.delivered],
  ['replays_total', 'Subscribes that asked for history.', (_, c) => c.replays],
  [
    'rate_limited_total',
    'Frames refused with RATE_LIMIT_EXCEEDED.',
    (_, c) => c.refusals.get('RATE_LIMIT_EXCEEDED') ?? 0,
  ],
  [
    'read_pauses_total',
    'Times a connection’s reads were paused because the hub’s writes were behind.',
    (s) => s.stats.readPauses,
  ],
  ['engine_appended_total', 'Entries appended through this node.', (s) => s.engine?.appended],
  [
    'engine_duplicates_total',
    'Appends through this node that were duplicates.',
    (s) => s.engine?.duplicates,
  ],
  ['engine_reconnects_total', 'Engine connection reconnects.', (s) => s.health?.reconnects],
  [
    'engine_stalls_total',
    'Engine reader reconnects forced by its watchdog.',
    (s) => s.health?.stalls,
  ],
  ['engine_gaps_total', 'Gaps in the log this node reported.', (s) => s.health?.gaps],
  ['engine_missed_entries_total', 'Entries lost in those gaps.', (s) => s.health?.missedEntries],
  [
    'engine_epoch_changes_total',
    'Times this node found its log lost and moved to a new epoch.',
    (s) => s.health?.epochChanges,
  ],
];

const LABELLED: [
  string,
  string,
  string,
  (s: Snapshot, c: HubCounters) => Iterable<[string, number]>,
][] = [
  [
    'frames_received_total',
    'Valid frames received from authenticated clients, by frame type.',
    'type',
    (_, c) => c.framesIn,
  ],
  [
    'refusals_total',
    'Error frames the hub sent for what it refused (bad frames, ACL, limits, authentication), by error code.',
    'code',
    (_, c) => c.refusals,
  ],
  [
    'connections_closed_total',
    'Closed WebSocket connections, by close code (unknown codes as "other").',
    'code',
    (_, c) => c.closes,
  ],
  [
    'upgrade_refusals_total',
    'Upgrade requests refused with an HTTP error (403 origin, 404 path, 429 per-IP limit, 503 full or shutting down), by status.',
    'status',
    (_, c) => c.upgradeRefusals,
  ],
  [
    'dropped_total',
    'Events dropped by the slow-consumer policy (drop-oldest), by reason.',
    'reason',
    (s) => [['slow_consumer', s.stats.dropped]],
  ],
];

/**
 * @internal
 * The hub's Prometheus metrics. Counters and gauges read the hub's own counts when scraped
 * (one snapshot per scrape), so the hot path pays nothing for them; the two latency
 * histograms are observed as publishes are appended and fan-outs are written.
 */
export class HubMetrics {
  readonly registry: Registry;
  #snapshot: Snapshot | undefined;

  constructor(
    options: ResolvedMetricsOptions,
    private readonly source: MetricsSource,
  ) {
    const { registry, prefix } = options;
    this.registry = registry;
    const metrics = this;
    const counters = source.counters;
    for (const [name, help, read] of GAUGES) {
      new Gauge({
        name: prefix + name,
        help,
        registers: [registry],
        collect() {
          const value = read(metrics.#take(), counters);
          if (value === undefined) this.reset();
          else this.set(value);
        },
      });
    }
    for (const [name, help, read] of COUNTERS) {
      new Counter({
        name: prefix + name,
        help,
        registers: [registry],
        collect() {
          const value = read(metrics.#take(), counters);
          this.reset();
          if (value !== undefined) this.inc(value);
        },
      });
    }
    for (const [name, help, label, read] of LABELLED) {
      new Counter({
        name: prefix + name,
        help,
        labelNames: [label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [value, count] of read(metrics.#take(), counters)) {
            this.inc({ [label]: value }, count);
          }
        },
      });
    }
    const publishToAppend = new Histogram({
      name: `${prefix}publish_append_seconds`,
      help: 'Time from a publish frame being routed to its entry in the log.',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    const appendToWrite = new Histogram({
      name: `${prefix}append_write_seconds`,
      help: 'Time from an entry reaching this node’s fan-out to its frames being handed to the sockets (per flush round, for the oldest entry waiting).',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    counters.timing = {
      publishToAppend: (seconds) => publishToAppend.observe(seconds),
      appendToWrite: (seconds) => appendToWrite.observe(seconds),
    };
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  }

  /** The exposition text and its content type (what `GET /metrics` answers). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** The hub's figures, read once per scrape: the first metric collected reads them. */
  #take(): Snapshot {
    if (this.#snapshot !== undefined) return this.#snapshot;
    const engine = this.source.engine();
    const snapshot: Snapshot = {
      stats: this.source.stats(),
      queuedBytes: this.source.queuedBytes(),
      engine: statsOf(engine),
      health: healthOf(engine),
    };
    this.#snapshot = snapshot;
    // Every metric of one scrape is collected in the same turn of the event loop.
    setImmediate(() => {
      this.#snapshot = undefined;
    });
    return snapshot;
  }
}

function healthOf(engine: Engine | undefined): EngineHealthFigures | undefined {
  const health = (engine as { health?: () => EngineHealthFigures } | undefined)?.health;
  return typeof health === 'function' ? health.call(engine) : undefined;
}

/** An engine that is not open yet may throw NOT_CONNECTED: then it has no figures to give. */
function statsOf(engine: Engine | undefined): EngineStats | undefined {
  try {
    return engine?.stats();
  } catch {
    return undefined;
  }
}
