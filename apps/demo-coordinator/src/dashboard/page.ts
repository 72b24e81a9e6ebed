import { KPI_CSS } from '@switchboard/dashboard-ui/kpi-css';

/** The dashboard's HTML: a static shell; `/dashboard.js` fills it from the hub. */
export function dashboardHtml(title = 'Switchboard demo'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}${KPI_CSS}</style>
</head>
<body>
<header class="top">
  <h1>${escapeHtml(title)}</h1>
  <span id="conn-status" class="pill" data-state="connecting">connecting</span>
  <span id="conn-detail" class="muted small"></span>
  <span class="spacer"></span>
  <span class="muted small"><span id="event-count">0</span> events</span>
</header>
<main>
  <section class="panel kpi-panel">
    <h2>Hub KPIs <span class="muted small">($metrics)</span></h2>
    <div id="kpi"></div>
  </section>
  <section class="panel agents-panel">
    <h2>Agents</h2>
    <div id="agents" class="agents"></div>
  </section>
  <section class="panel swarm-panel">
    <h2>Swarm</h2>
    <div id="topology" class="topology"></div>
    <h3>Presence</h3>
    <ol id="presence" class="presence"></ol>
    <h3>Consensus rounds</h3>
    <div id="rounds" class="rounds"></div>
  </section>
  <section class="panel tasks-panel">
    <h2>Tasks</h2>
    <table>
      <thead><tr><th>id</th><th>task</th><th>agent</th><th>progress</th></tr></thead>
      <tbody id="tasks"></tbody>
    </table>
  </section>
  <section id="terminal" class="panel terminal-panel"></section>
  <section class="panel stream-panel">
    <h2>Event stream</h2>
    <input id="stream-filter" type="search" placeholder="filter by topic, e.g. task. or .status" autocomplete="off">
    <ol id="stream" class="stream"></ol>
  </section>
</main>
<script type="module" src="/dashboard.js"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root {
  --bg: #f5f6f8; --panel: #fff; --text: #1d2330; --muted: #6b7385; --line: #e3e6ec;
  --good: #1f8a4c; --warn: #b7791f; --bad: #c53030; --accent: #2b6cb0; --idle: #4a5568;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
.top { display: flex; align-items: center; gap: 12px; padding: 12px 20px; background: var(--panel);
  border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 1; }
.top h1 { font-size: 18px; margin: 0; }
.spacer { flex: 1; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; padding: 16px 20px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 0; }
.panel h2 { font-size: 15px; margin: 0 0 10px; }
.panel h3 { font-size: 13px; margin: 14px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.mono, .topic, .log { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.empty { color: var(--muted); font-style: italic; }
p { margin: 4px 0; }

.pill { padding: 2px 10px; border-radius: 999px; font-weight: 600; font-size: 12px; color: #fff; background: var(--muted); }
.pill[data-state="connected"] { background: var(--good); }
.pill[data-state="reconnecting"], .pill[data-state="connecting"] { background: var(--warn); }
.pill[data-state="offline"] { background: var(--bad); }

.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 11px; font-weight: 600;
  background: #edf0f5; color: var(--idle); white-space: nowrap; }
.badge-busy, .badge-running, .badge-assigned, .badge-voting { background: #e3efff; color: var(--accent); }
.badge-idle { background: #edf0f5; color: var(--idle); }
.badge-starting { background: #fdf3dc; color: var(--warn); }
.badge-error, .badge-failed, .badge-rejected { background: #fde8e8; color: var(--bad); }
.badge-offline, .badge-no-quorum { background: #f3f0e8; color: var(--warn); }
.badge-completed, .badge-approved { background: #e3f6ea; color: var(--good); }
.badge-replay { background: transparent; color: var(--muted); border: 1px solid var(--line); }

.agents { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 10px; }
.swarm-panel { grid-row: span 2; }
.agent { border: 1px solid var(--line); border-left: 4px solid var(--idle); border-radius: 6px; padding: 8px 10px; min-width: 0; font-size: 13px; }
.agent header { display: flex; align-items: center; gap: 6px; }
.agent header strong { flex: 1; }
.agent.status-busy { border-left-color: var(--accent); }
.agent.status-error { border-left-color: var(--bad); }
.agent.status-offline, .agent.absent { border-left-color: var(--warn); opacity: .65; }
.agent.status-starting { border-left-color: var(--warn); }
.agent .health { font-size: 12px; }
.agent .log { font-size: 11px; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.dot { width: 8px; height: 8px; border-radius: 50%; display: inline-block; }
.dot-good { background: var(--good); } .dot-bad { background: var(--bad); } .dot-off { background: #b8bfcc; }

.tasks-panel table { width: 100%; border-collapse: collapse; }
.tasks-panel th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 4px 6px; }
.tasks-panel td { border-bottom: 1px solid var(--line); padding: 5px 6px; vertical-align: middle; }
.progress-cell { white-space: nowrap; width: 190px; }
.progress-cell progress { width: 110px; height: 10px; vertical-align: middle; margin-right: 6px; accent-color: var(--accent); }
.task-completed progress { accent-color: var(--good); }
.task-failed progress { accent-color: var(--bad); }
.task-completed, .task-failed { color: var(--muted); }

.topology-name { font-size: 22px; font-weight: 700; color: var(--accent); }
.rounds { display: grid; gap: 8px; }
.round { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.round header { display: flex; gap: 8px; align-items: baseline; justify-content: space-between; }
.tally-row { display: grid; grid-template-columns: 110px 1fr 24px; gap: 8px; align-items: center; font-size: 12px; }
.tally-bar { height: 8px; border-radius: 4px; background: #edf0f5; overflow: hidden; }
.tally-bar span { display: block; height: 100%; background: #9aa5b8; }
.tally-row.winner .tally-bar span { background: var(--good); }
.presence { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.presence li { padding: 1px 0; }
.presence time { color: var(--muted); margin-right: 4px; }
.presence-joined { color: var(--good); }
.presence-left { color: var(--warn); }
.tally-row.winner .tally-choice { font-weight: 700; color: var(--good); }
.tally-count { text-align: right; }

.stream-panel, .kpi-panel { grid-column: 1 / -1; }
.terminal-panel { grid-column: 1 / -1; }
.term-controls { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
.term-output { background: #0b0f14; color: #d7e0ea; font: 12px/1.4 ui-monospace, monospace; padding: 8px; border-radius: 6px; height: 220px; overflow: auto; white-space: pre-wrap; margin: 0; }
.term-err { color: #ff8f8f; }
#stream-filter { width: 100%; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; margin-bottom: 8px; }
.stream { list-style: none; margin: 0; padding: 0; max-height: 340px; overflow: auto; font-size: 12px; }
.stream li { display: grid; grid-template-columns: 70px minmax(180px, 260px) 1fr auto; gap: 10px; padding: 2px 4px; border-bottom: 1px solid #f0f2f5; }
.stream time { color: var(--muted); }
.stream .topic { color: var(--accent); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.stream .text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tone-good .text { color: var(--good); } .tone-warn .text { color: var(--warn); } .tone-bad .text { color: var(--bad); }

@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;
