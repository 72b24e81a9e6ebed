import { el, replace } from './dom.ts';
import type { KpiHistory, KpiSeriesKey } from './kpi-history.ts';
import { lineChart } from './line-chart.ts';

const CARDS: { key: KpiSeriesKey; label: string; rate?: boolean }[] = [
  { key: 'connections', label: 'connections' },
  { key: 'principals', label: 'principals online' },
  { key: 'publishesPerSecond', label: 'publishes/s', rate: true },
  { key: 'deliveriesPerSecond', label: 'deliveries/s', rate: true },
  { key: 'dropsPerSecond', label: 'drops/s', rate: true },
];

const CHARTS: { key: KpiSeriesKey; label: string }[] = [
  { key: 'publishesPerSecond', label: 'publishes/s' },
  { key: 'deliveriesPerSecond', label: 'deliveries/s' },
  { key: 'connections', label: 'connections' },
  { key: 'dropsPerSecond', label: 'drops/s' },
];

/**
 * The KPI cards (latest snapshot) and charts (the history's window) of `$metrics`, drawn
 * into `container`. The demo dashboard and the admin page both use it; the styles are
 * `KPI_CSS`.
 */
export function renderKpiPanel(container: Element, history: KpiHistory, now = Date.now()): void {
  const latest = history.latest;
  if (latest === undefined) {
    replace(container, [
      el('p', { class: 'kpi-empty' }, 'Waiting for the first KPI snapshot on $metrics…'),
    ]);
    return;
  }
  const stale = history.isStale(now);
  const cards = CARDS.map(({ key, label, rate }) =>
    el(
      'div',
      { class: 'kpi-card', 'data-kpi': key },
      el('span', { class: 'kpi-value' }, rate ? latest[key].toFixed(1) : latest[key]),
      el('span', { class: 'kpi-label' }, label),
    ),
  );
  const prefixes = el(
    'div',
    { class: 'kpi-card kpi-prefixes', 'data-kpi': 'busiestPrefixes' },
    el('span', { class: 'kpi-label' }, 'busiest prefixes'),
    latest.busiestPrefixes.length === 0
      ? el('span', { class: 'kpi-empty' }, 'no publishes')
      : el(
          'ol',
          {},
          latest.busiestPrefixes.map((busy) =>
            el('li', {}, el('code', {}, busy.prefix), ` ${busy.perSecond.toFixed(1)}/s`),
          ),
        ),
  );
  const charts = CHARTS.map(({ key, label }) =>
    lineChart(history.series(key), { label, windowMs: history.windowMs, now }),
  );
  replace(container, [
    el(
      'p',
      { class: `kpi-meta${stale ? ' kpi-stale' : ''}`, 'data-stale': stale },
      `${latest.node} · ${stale ? 'stale: no snapshot since' : 'updated'} ${new Date(latest.at).toLocaleTimeString([], { hour12: false })}`,
    ),
    el('div', { class: 'kpi-cards' }, cards, prefixes),
    el('div', { class: 'kpi-charts' }, charts),
  ]);
}
