import { KPI_CSS } from '@switchboard/dashboard-ui/kpi-css';

/** Under the hub's HTTP server. */
export const ADMIN_PATH = '/admin';

/**
 * The page's policy: nothing inline, nothing from elsewhere, no eval (the bundle imports
 * `@switchboard/dashboard-ui/strict-csp` first, so zod does not probe for it).
 */
export const ADMIN_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The admin page: a static shell (no secret in it; the token comes from the URL's `#token=`
 * or the form and stays in the tab's sessionStorage). `hubPath` tells the script where the
 * hub accepts WebSocket upgrades.
 */
export function adminHtml(name: string, hubPath: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="switchboard-hub-path" content="${escapeHtml(hubPath)}">
<title>${escapeHtml(name)} · admin</title>
<link rel="stylesheet" href="${ADMIN_PATH}/admin.css">
<link rel="icon" href="${ADMIN_PATH}/favicon.ico">
</head>
<body>
<header class="top">
  <h1>${escapeHtml(name)} <span class="muted">admin</span></h1>
  <span id="conn-status" class="pill" data-state="connecting">connecting</span>
  <span id="conn-detail" class="muted small"></span>
</header>
<form id="login" class="panel" hidden>
  <label>Admin token <input id="login-token" type="password" autocomplete="off" required></label>
  <button type="submit">Open</button>
  <p class="muted small">Given to <code>switchboard serve --admin</code> as <code>--admin-token</code> or <code>SWITCHBOARD_ADMIN_TOKEN</code>.</p>
</form>
<main id="admin" hidden>
  <section class="panel">
    <h2>KPIs <span class="muted small">($metrics, last 10 minutes)</span></h2>
    <div id="kpi"></div>
  </section>
  <section class="panel">
    <h2>Clients <span id="clients-count" class="muted small"></span></h2>
    <table>
      <thead><tr><th>connection</th><th>principal</th><th>address</th><th>connected</th><th>queue</th><th>in / out</th><th>dropped</th><th>subscriptions</th></tr></thead>
      <tbody id="clients"></tbody>
    </table>
  </section>
  <section class="panel">
    <h2>Tail</h2>
    <div class="tail-controls">
      <input id="tail-pattern" type="text" value="#" autocomplete="off" spellcheck="false" aria-label="pattern">
      <button id="tail-start" type="button">Tail</button>
      <button id="tail-pause" type="button">Pause</button>
      <input id="tail-filter" type="search" placeholder="filter topic or payload" autocomplete="off" aria-label="filter">
      <span id="tail-status" class="muted small"></span>
    </div>
    <div class="tail">
      <ol id="tail-list"></ol>
      <pre id="tail-payload" class="payload">Select an event to inspect its payload.</pre>
    </div>
  </section>
</main>
<script type="module" src="${ADMIN_PATH}/admin.js"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const ADMIN_CSS = `
:root { --bg: #f5f6f8; --panel: #fff; --text: #1d2330; --muted: #6b7385; --line: #e3e6ec;
  --good: #1f8a4c; --warn: #b7791f; --bad: #c53030; --accent: #2b6cb0;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
.top { display: flex; align-items: center; gap: 12px; padding: 12px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
.top h1 { font-size: 18px; margin: 0; }
main, #login { margin: 16px 20px; }
main { display: grid; gap: 16px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 0; }
.panel h2 { font-size: 15px; margin: 0 0 10px; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.pill { padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: 12px; color: #fff; background: var(--muted); }
.pill[data-state="connected"] { background: var(--good); }
.pill[data-state="reconnecting"], .pill[data-state="connecting"] { background: var(--warn); }
.pill[data-state="offline"] { background: var(--bad); }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 4px 6px; }
td { border-bottom: 1px solid var(--line); padding: 4px 6px; vertical-align: top; }
td code, .tail code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.queue-busy { color: var(--warn); font-weight: 600; }
.tail-controls { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.tail-controls input { padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
#tail-pattern { width: 220px; font-family: ui-monospace, Menlo, Consolas, monospace; }
#tail-filter { flex: 1; min-width: 160px; }
.tail { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 12px; }
#tail-list { list-style: none; margin: 0; padding: 0; max-height: 420px; overflow: auto; font-size: 12px; }
#tail-list li { display: grid; grid-template-columns: 70px minmax(120px, 240px) 1fr; gap: 8px; padding: 2px 4px; border-bottom: 1px solid #f0f2f5; cursor: pointer; }
#tail-list li[aria-selected="true"] { background: #e3efff; }
#tail-list .topic { color: var(--accent); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#tail-list .preview { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
.payload { margin: 0; padding: 8px; background: #fafbfc; border: 1px solid var(--line); border-radius: 6px; max-height: 420px; overflow: auto; font-size: 12px; white-space: pre-wrap; word-break: break-word; }
${KPI_CSS}
`;
