// First: zod must not probe `new Function` under the page's CSP (see the module).
import '@switchboard/dashboard-ui/strict-csp';
import { ErrorCode, type EventFrame, SwitchboardError, WSClient } from '@switchboard/client';
import { KpiView } from '@switchboard/dashboard-ui';
import { METRICS_TOPIC } from '@switchboard/protocol';
import { byId } from './dom.ts';
import { renderAgents, renderStream, renderSwarm, renderTasks } from './render.ts';
import { DashboardState } from './state.ts';
import { mountTerminal } from './terminal.ts';

/**
 * State topics are read with `since: 'last'`: the hub replays the retained last value of
 * every matching topic, so a fresh page (or one that reconnects to a restarted hub) shows
 * the current state at once. Logs are a stream, not state: live only.
 */
const STATE_PATTERNS = [
  'agent.*.status',
  'agent.*.health',
  'agent.*.metrics',
  'task.#',
  'swarm.#',
  METRICS_TOPIC,
];
const LIVE_PATTERNS = ['agent.*.logs'];
const FIRST_CONNECT_RETRY_MS = 2_000;

type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

const state = new DashboardState();
const kpi = new KpiView(byId('kpi'));
const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const hubUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

const statusPill = byId('conn-status');
const statusDetail = byId('conn-detail');
const filterInput = byId<HTMLInputElement>('stream-filter');
let dirty = true;
let everConnected = false;

function setConnection(next: ConnectionState, detail = ''): void {
  statusPill.dataset.state = next;
  statusPill.textContent = next;
  statusDetail.textContent = detail;
}

/** Redraws at most this often: a person cannot read faster, and a redraw is not free. */
const RENDER_INTERVAL_MS = 200;
let lastRender = 0;

function render(now: number): void {
  if (dirty && now - lastRender >= RENDER_INTERVAL_MS) {
    dirty = false;
    lastRender = now;
    document.body.dataset.epoch = state.epoch ?? '';
    renderAgents(byId('agents'), state);
    renderTasks(byId('tasks'), state);
    renderSwarm(byId('topology'), byId('presence'), byId('rounds'), state);
    renderStream(byId('stream'), state, filterInput.value);
    byId('event-count').textContent = String(state.eventCount);
  }
  kpi.render(Date.now());
  requestAnimationFrame(render);
}

async function subscribeState(client: WSClient): Promise<void> {
  try {
    await client.subscribe(STATE_PATTERNS, { since: 'last' });
    await client.subscribe(LIVE_PATTERNS);
  } catch (error) {
    // A drop meanwhile is not a refusal: the resubscribe after the reconnect covers it.
    const code = error instanceof SwitchboardError ? error.code : undefined;
    if (code === ErrorCode.CONNECTION_CLOSED || code === ErrorCode.NOT_CONNECTED) return;
    setConnection('offline', `subscribe refused: ${(error as Error).message}`);
  }
}

function start(): void {
  if (token === '') {
    setConnection('offline', 'no token: open the URL the demo printed (it carries ?token=...)');
    return;
  }
  const client = new WSClient({
    url: hubUrl,
    token,
    tokenTransport: 'query',
    reconnect: true,
    reconnectIntervalMs: 500,
    maxReconnectIntervalMs: 5_000,
    clientName: 'switchboard-dashboard',
  });
  client.on('event', (event: EventFrame) => {
    // $metrics snapshots go to the KPI panel, not to the state or the event stream.
    if (kpi.take(event)) return;
    if (state.apply(event)) dirty = true;
  });
  client.on('connected', (welcome) => {
    if (state.epoch !== welcome.epoch) {
      // A restarted hub has a new log: nothing we hold is current any more.
      state.reset(welcome.epoch);
      kpi.reset();
      dirty = true;
    }
    setConnection('connected', `${welcome.server.name} · ${hubUrl}`);
    // The client resubscribes by itself and resumes from its last offset when the hub
    // still has that log; after a restart it cannot, so ask again for the last values.
    if (everConnected) void subscribeState(client);
    everConnected = true;
  });
  client.on('disconnected', ({ code, willReconnect }) => {
    setConnection(willReconnect ? 'reconnecting' : 'offline', `connection closed (${code})`);
  });
  client.on('reconnecting', ({ attempt, delayMs }) => {
    setConnection('reconnecting', `attempt ${attempt} in ${(delayMs / 1000).toFixed(1)} s`);
  });
  client.on('reconnect-failed', ({ error }) => {
    setConnection('offline', error?.message ?? 'gave up reconnecting');
  });
  mountTerminal(client, byId('terminal'), () => [...state.agents.keys()].sort());
  filterInput.addEventListener('input', () => {
    dirty = true;
  });

  const firstConnect = (): void => {
    setConnection('connecting', hubUrl);
    client.connect().then(
      () => subscribeState(client),
      (error: unknown) => {
        if (error instanceof SwitchboardError && error.code === ErrorCode.AUTHENTICATION_FAILED) {
          setConnection('offline', 'the hub refused the token');
          return;
        }
        // A first connect is not retried by the client; a dashboard should keep trying.
        setConnection('offline', `hub unreachable, retrying in ${FIRST_CONNECT_RETRY_MS / 1000} s`);
        setTimeout(firstConnect, FIRST_CONNECT_RETRY_MS);
      },
    );
  };
  firstConnect();
}

requestAnimationFrame(render);
start();
