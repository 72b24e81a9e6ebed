import { KpiSnapshot } from '@switchboard/protocol';

/** The numeric KPIs a chart can plot. */
export type KpiSeriesKey =
  | 'connections'
  | 'principals'
  | 'subscriptions'
  | 'publishesPerSecond'
  | 'deliveriesPerSecond'
  | 'dropsPerSecond';

export interface KpiPoint {
  at: number;
  value: number;
}

export interface KpiHistoryOptions {
  /** How far back the charts go. @default 600_000 (10 minutes) */
  windowMs?: number;
}

/**
 * The last minutes of `$metrics` snapshots, per hub node, read defensively: anything that is
 * not a `KpiSnapshot` is refused (false) and changes nothing. No DOM: tested in Node.
 */
export class KpiHistory {
  readonly windowMs: number;
  readonly #byNode = new Map<string, KpiSnapshot[]>();
  #latest: KpiSnapshot | undefined;

  constructor(options: KpiHistoryOptions = {}) {
    this.windowMs = options.windowMs ?? 600_000;
  }

  /** Adds the data of one `$metrics` event; false when it is not a snapshot or not new. */
  add(data: unknown): boolean {
    const parsed = KpiSnapshot.safeParse(data);
    if (!parsed.success) return false;
    const snapshot = parsed.data;
    let list = this.#byNode.get(snapshot.node);
    if (list === undefined) {
      list = [];
      this.#byNode.set(snapshot.node, list);
    }
    const last = list[list.length - 1];
    if (last !== undefined && snapshot.at <= last.at) return false; // a replay, or out of order
    list.push(snapshot);
    while (list.length > 0 && list[0]!.at < snapshot.at - this.windowMs) list.shift();
    if (this.#latest === undefined || snapshot.at >= this.#latest.at) this.#latest = snapshot;
    return true;
  }

  /** The newest snapshot of any node. */
  get latest(): KpiSnapshot | undefined {
    return this.#latest;
  }

  get nodes(): string[] {
    return [...this.#byNode.keys()].sort();
  }

  /** One KPI of one node (default: the node of the latest snapshot), oldest first. */
  series(key: KpiSeriesKey, node = this.#latest?.node): KpiPoint[] {
    const list = node === undefined ? undefined : this.#byNode.get(node);
    return (list ?? []).map((snapshot) => ({ at: snapshot.at, value: snapshot[key] }));
  }

  /**
   * True when the latest snapshot is older than three of its intervals: the hub stopped
   * publishing (or the page stopped hearing it), so the numbers shown are not current.
   */
  isStale(now: number): boolean {
    const latest = this.#latest;
    return latest === undefined || now - latest.at > 3 * latest.intervalMs;
  }

  clear(): void {
    this.#byNode.clear();
    this.#latest = undefined;
  }
}
