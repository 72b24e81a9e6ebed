export { el, replace, svg } from './dom.ts';
export { KPI_CSS } from './kpi-css.ts';
export type { KpiHistoryOptions, KpiPoint, KpiSeriesKey } from './kpi-history.ts';
export { KpiHistory } from './kpi-history.ts';
export { renderKpiPanel } from './kpi-panel.ts';
export { KpiView } from './kpi-view.ts';
export type { LineChartOptions } from './line-chart.ts';
export { lineChart } from './line-chart.ts';
