// First: zod must not probe `new Function` under the page's strict CSP (see the module).
import '@switchboard/dashboard-ui/strict-csp';
import { ErrorCode, SwitchboardError, WSClient } from '@switchboard/client';
import { KpiView } from '@switchboard/dashboard-ui';
import { METRICS_TOPIC } from '@switchboard/protocol';
import { ClientsTable } from './clients.ts';
import { Tail } from './tail.ts';
import { forget, remember, takeToken } from './token.ts';

/**
 * The admin page: KPI cards and charts from `$metrics`, the connected clients (the admin
 * JSON API), and a tail of any pattern. It connects to the hub as the admin principal,
 * which may read every topic and publish none.
 */
const CLIENTS_POLL_MS = 2_000;

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`admin: #${id} is missing from the page`);
  return element as T;
}

const pill = byId('conn-status');
const detail = byId('conn-detail');

function setConnection(state: string, text = ''): void {
  pill.dataset.state = state;
  pill.textContent = state;
  detail.textContent = text;
}

function askForToken(reason: string): void {
  setConnection('offline', reason);
  byId('admin').hidden = true;
  const form = byId<HTMLFormElement>('login');
  form.hidden = false;
  form.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      remember(byId<HTMLInputElement>('login-token').value);
      location.reload();
    },
    { once: true },
  );
}

function open(token: string): void {
  byId('admin').hidden = false;
  const hubPath =
    document.querySelector<HTMLMetaElement>('meta[name="switchboard-hub-path"]')?.content ?? '/';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${hubPath}`;
  const client = new WSClient({
    url,
    token,
    tokenTransport: 'query',
    reconnect: true,
    reconnectIntervalMs: 500,
    maxReconnectIntervalMs: 5_000,
    clientName: 'switchboard-admin',
  });
  const kpi = new KpiView(byId('kpi'));
  client.on('event', (event) => kpi.take(event));
  const tail = new Tail(client, {
    pattern: byId<HTMLInputElement>('tail-pattern'),
    start: byId<HTMLButtonElement>('tail-start'),
    pause: byId<HTMLButtonElement>('tail-pause'),
    filter: byId<HTMLInputElement>('tail-filter'),
    status: byId('tail-status'),
    list: byId('tail-list'),
    payload: byId('tail-payload'),
  });
  const clients = new ClientsTable(byId('clients'), byId('clients-count'), token);
  let refusedToken = false;
  const refused = () => {
    if (refusedToken) return;
    refusedToken = true;
    forget();
    clients.stop();
    void client.disconnect();
    askForToken('the hub refused the admin token');
  };

  // Once the token was refused, the login form says why: nothing else may overwrite it.
  const status = (state: string, text: string) => {
    if (!refusedToken) setConnection(state, text);
  };
  client.on('connected', (welcome) => status('connected', `${welcome.server.name} · ${url}`));
  client.on('disconnected', ({ code, willReconnect }) =>
    status(willReconnect ? 'reconnecting' : 'offline', `connection closed (${code})`),
  );
  client.on('reconnect-failed', ({ error }) =>
    status('offline', error?.message ?? 'gave up reconnecting'),
  );
  client.connect().then(
    async () => {
      await client.subscribe([METRICS_TOPIC], { since: 'last' });
      await tail.follow(byId<HTMLInputElement>('tail-pattern').value.trim());
    },
    (error: unknown) => {
      if (error instanceof SwitchboardError && error.code === ErrorCode.AUTHENTICATION_FAILED) {
        refused();
        return;
      }
      status('offline', `hub unreachable: ${(error as Error).message}`);
    },
  );
  clients.start(CLIENTS_POLL_MS, refused);

  const render = () => {
    kpi.render(Date.now());
    tail.render();
    requestAnimationFrame(render);
  };
  requestAnimationFrame(render);
}

const token = takeToken();
if (token === undefined) askForToken('enter the admin token');
else open(token);
