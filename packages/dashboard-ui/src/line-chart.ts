import { svg } from './dom.ts';
import type { KpiPoint } from './kpi-history.ts';

export interface LineChartOptions {
  label: string;
  /** The time span of the x axis, ending at `now`. */
  windowMs: number;
  now: number;
  width?: number;
  height?: number;
  /** Formats the y axis maximum. */
  format?: (value: number) => string;
}

/**
 * A small SVG line chart of one series over the last `windowMs`. Attributes only (no
 * `style`), so it renders under a strict CSP; colours come from the page's CSS classes.
 */
export function lineChart(points: readonly KpiPoint[], options: LineChartOptions): SVGElement {
  const width = options.width ?? 240;
  const height = options.height ?? 64;
  const top = 14;
  const plot = height - top - 2;
  const max = Math.max(1, ...points.map((point) => point.value));
  const start = options.now - options.windowMs;
  const x = (at: number) => ((at - start) / options.windowMs) * width;
  const y = (value: number) => top + plot - (value / max) * plot;
  const coordinates = points
    .filter((point) => point.at >= start)
    .map((point) => `${x(point.at).toFixed(1)},${y(point.value).toFixed(1)}`)
    .join(' ');
  const format = options.format ?? ((value: number) => String(Math.round(value * 10) / 10));
  const minutes = Math.round(options.windowMs / 60_000);
  return svg(
    'svg',
    {
      class: 'kpi-chart',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': `${options.label} over the last ${minutes} minutes`,
      'data-points': points.length,
    },
    svg('text', { x: 0, y: 10, class: 'kpi-chart-label' }, options.label),
    svg(
      'text',
      { x: width, y: 10, 'text-anchor': 'end', class: 'kpi-chart-max' },
      `max ${format(max)}`,
    ),
    svg('line', { x1: 0, y1: top + plot, x2: width, y2: top + plot, class: 'kpi-chart-axis' }),
    svg('polyline', { points: coordinates, class: 'kpi-chart-line', fill: 'none' }),
  );
}
