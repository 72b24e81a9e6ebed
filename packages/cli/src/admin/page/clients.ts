import { el, replace } from '@switchboard/dashboard-ui';
import type { AdminClient } from '../admin-routes.ts';

export interface ClientsReport {
  clients: AdminClient[];
}

/**
 * The connected clients, read from `/admin/api/clients` every `intervalMs` with the admin
 * token: queue depth, traffic and subscriptions per connection.
 */
export class ClientsTable {
  readonly #body: HTMLElement;
  readonly #count: HTMLElement;
  readonly #token: string;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(body: HTMLElement, count: HTMLElement, token: string) {
    this.#body = body;
    this.#count = count;
    this.#token = token;
  }

  /** Polls until stopped; `refused` runs once if the hub refuses the token. */
  start(intervalMs: number, refused: () => void): void {
    const poll = async () => {
      try {
        const response = await fetch('/admin/api/clients', {
          headers: { authorization: `Bearer ${this.#token}` },
          cache: 'no-store',
        });
        if (response.status === 401) {
          refused();
          return;
        }
        if (response.ok) this.render((await response.json()) as ClientsReport);
      } catch {
        // The hub is down or restarting: the connection pill says so; keep polling.
      }
      this.#timer = setTimeout(poll, intervalMs);
    };
    void poll();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  render(report: ClientsReport, now = Date.now()): void {
    const clients = [...report.clients].sort((a, b) => a.connectedAt - b.connectedAt);
    this.#count.textContent = `(${clients.length})`;
    if (clients.length === 0) {
      replace(this.#body, [el('tr', {}, el('td', { colspan: 8 }, 'No clients connected.'))]);
      return;
    }
    replace(
      this.#body,
      clients.map((client) =>
        el(
          'tr',
          { 'data-client-id': client.id, 'data-principal': client.principal ?? '' },
          el('td', {}, el('code', {}, client.id.slice(0, 8))),
          el('td', {}, client.principal ?? '–'),
          el('td', {}, client.remoteAddress ?? '?'),
          el('td', {}, ago(now - client.connectedAt)),
          el(
            'td',
            {
              class: client.queuedMessages > 0 ? 'queue-busy' : '',
              'data-queue': client.queuedMessages,
            },
            `${client.queuedMessages} · ${kib(client.queuedBytes)}`,
          ),
          el('td', {}, `${client.messagesIn} / ${client.messagesOut}`),
          el('td', {}, client.dropped),
          el(
            'td',
            { class: 'subscriptions' },
            client.subscriptions.length === 0
              ? '–'
              : client.subscriptions.map((pattern) => el('code', {}, `${pattern} `)),
          ),
        ),
      ),
    );
  }
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
