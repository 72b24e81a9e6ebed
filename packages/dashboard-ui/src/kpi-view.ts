import { METRICS_TOPIC } from '@switchboard/protocol';
import { KpiHistory } from './kpi-history.ts';
import { renderKpiPanel } from './kpi-panel.ts';

/**
 * The hub's KPI cards and charts in one element: feed it every event (`take` keeps the
 * `$metrics` snapshots and says so), call `render(now)` from the page's frame loop; it
 * redraws only when a snapshot came or the latest went stale.
 */
export class KpiView {
  readonly #container: HTMLElement;
  readonly #history = new KpiHistory();
  #dirty = true;
  #stale: boolean | undefined;

  constructor(container: HTMLElement) {
    this.#container = container;
  }

  /** True when the event was a `$metrics` snapshot (taken here, whether new or not). */
  take(event: { topic: string; data: unknown }): boolean {
    if (event.topic !== METRICS_TOPIC) return false;
    if (this.#history.add(event.data)) this.#dirty = true;
    return true;
  }

  /** A restarted hub: its KPIs start over. */
  reset(): void {
    this.#history.clear();
    this.#dirty = true;
  }

  /** Redraws when a snapshot came or the latest one went stale. */
  render(now: number): void {
    const stale = this.#history.isStale(now);
    if (!this.#dirty && stale === this.#stale) return;
    this.#dirty = false;
    this.#stale = stale;
    renderKpiPanel(this.#container, this.#history, now);
  }
}
