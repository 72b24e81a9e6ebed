import { KpiHistory, renderKpiPanel } from '@switchboard/dashboard-ui';
import { METRICS_TOPIC } from '@switchboard/protocol';

/**
 * The hub's KPI cards and charts from `$metrics` (the panel is shared with the admin page).
 * Snapshots do not go to the dashboard's state or event stream.
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
