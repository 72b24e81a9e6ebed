/**
 * Styles of `renderKpiPanel`, for a `<style>` element or a stylesheet the page serves. No DOM
 * here, so a server can import it (`@switchboard/dashboard-ui/kpi-css`) to render its page.
 */
export const KPI_CSS = `
.kpi-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 8px; }
.kpi-card { border: 1px solid #e3e6ec; border-radius: 6px; padding: 6px 10px; display: flex; flex-direction: column; }
.kpi-value { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
.kpi-label { font-size: 11px; color: #6b7385; text-transform: uppercase; letter-spacing: .04em; }
.kpi-prefixes { grid-column: span 2; }
.kpi-prefixes ol { margin: 2px 0 0; padding-left: 18px; font-size: 12px; }
.kpi-charts { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 10px; }
.kpi-chart { background: #fafbfc; border: 1px solid #e3e6ec; border-radius: 6px; }
.kpi-chart-label, .kpi-chart-max { font-size: 10px; fill: #6b7385; }
.kpi-chart-axis { stroke: #e3e6ec; }
.kpi-chart-line { stroke: #2b6cb0; stroke-width: 1.5; }
.kpi-meta { font-size: 12px; color: #6b7385; margin: 0 0 8px; }
.kpi-stale { color: #b7791f; }
.kpi-empty { color: #6b7385; font-style: italic; }
`;
