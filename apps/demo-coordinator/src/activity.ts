import type { ClientInfo, WSRouter, WSServer } from '@switchboard/server';
import { describeReason, formatTally } from './format.ts';
import type { DemoLog } from './log.ts';

interface Entry {
  topic: string;
  data: unknown;
}

type Data = Record<string, unknown>;

/**
 * The terminal's view of the hub. Progress, logs, health and metrics would be a firehose,
 * so they are only counted; what a person wants to notice (failures, recoveries, agents
 * leaving and joining, proposals, consensus, topology) gets a line of its own, and a
 * summary line every `summaryMs` says how the work is going.
 */
export class ActivityMonitor {
  readonly #log: DemoLog;
  readonly #offs: (() => void)[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #status = new Map<string, string>();
  readonly #running = new Set<string>();
  #events = 0;
  #completed: string[] = [];
  #failed = 0;
  #totalCompleted = 0;
  #lastSummary = Date.now();

  constructor(router: WSRouter, server: WSServer, log: DemoLog, summaryMs: number) {
    this.#log = log;
    const onPublished = (entry: Entry) => this.#onEntry(entry);
    const onAuthenticated = (client: ClientInfo) => {
      const role = client.principal?.role;
      if (role === 'dashboard')
        log.line('dashboard', `a dashboard connected (${short(client.id)})`, 'accent');
      else if (role === 'coordinator') log.line('hub', 'coordinator connected', 'dim');
    };
    const onDisconnection = (client: ClientInfo, code: number) => {
      if (client.principal?.role === 'dashboard') {
        log.line('dashboard', `a dashboard left (${short(client.id)}, close ${code})`, 'dim');
      }
    };
    router.on('published', onPublished);
    server.on('authenticated', onAuthenticated);
    server.on('disconnection', onDisconnection);
    this.#offs.push(
      () => router.off('published', onPublished),
      () => server.off('authenticated', onAuthenticated),
      () => server.off('disconnection', onDisconnection),
    );
    this.#timer = setInterval(() => this.#summary(), summaryMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const off of this.#offs.splice(0)) off();
  }

  #onEntry(entry: Entry): void {
    this.#events += 1;
    const data = (typeof entry.data === 'object' && entry.data !== null ? entry.data : {}) as Data;
    const [domain, id = '?', kind, proposalId] = entry.topic.split('.');
    const log = this.#log;
    if (domain === 'agent' && kind === 'status') {
      const status = String(data.status);
      const previous = this.#status.get(id);
      this.#status.set(id, status);
      // A crash is told by the task's failure line; the recovery has no other line.
      if (previous === 'error' && status === 'idle') log.line('agent', `${id} recovered`, 'good');
    } else if (domain === 'task') {
      if (kind === 'assigned') this.#running.add(id);
      else if (kind === 'completed') {
        this.#running.delete(id);
        this.#completed.push(id);
        this.#totalCompleted += 1;
      } else if (kind === 'failed') {
        this.#running.delete(id);
        this.#failed += 1;
        const retry = data.retryable === true ? ' (retryable)' : '';
        log.line(
          'task',
          `${id} failed on ${text(data.agentId)}: ${text(data.error)}${retry}`,
          'bad',
        );
      }
    } else if (domain === 'swarm') {
      if (kind === 'presence') {
        const joined = data.event === 'joined';
        const reason = data.reason ? ` (${text(data.reason)})` : '';
        log.line(
          'swarm',
          `${text(data.agentId)} ${joined ? 'joined' : 'left'} ${id}${reason}`,
          joined ? 'good' : 'warn',
        );
      } else if (kind === 'proposal') {
        const voters = Array.isArray(data.voters) ? data.voters.length : 0;
        const choices = Array.isArray(data.choices) ? data.choices.join(' / ') : '';
        log.line(
          'consensus',
          `${proposalId}: ${text(data.subject)} [${choices}], ${voters} voters`,
          'accent',
        );
      } else if (kind === 'consensus') {
        const tally = formatTally((data.tally ?? {}) as Record<string, number>);
        const tone = data.outcome === 'approved' ? 'good' : 'warn';
        const why = describeReason(data.reason);
        log.line('consensus', `${proposalId} ${text(data.outcome)} ${tally}, ${why}`, tone);
      } else if (kind === 'topology') {
        const agents = Array.isArray(data.agents) ? data.agents.length : 0;
        log.line(
          'swarm',
          `topology v${text(data.version)}: ${text(data.topology)} (${agents} agents)`,
          'accent',
        );
      }
    }
  }

  #summary(): void {
    const now = Date.now();
    const seconds = Math.max(1, (now - this.#lastSummary) / 1000);
    this.#lastSummary = now;
    if (this.#events === 0) return;
    const counts = new Map<string, number>();
    for (const status of this.#status.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
    const agents = ['busy', 'idle', 'starting', 'error', 'offline']
      .filter((status) => counts.has(status))
      .map((status) => `${counts.get(status)} ${status}`)
      .join(', ');
    const done =
      this.#completed.length > 0
        ? `${this.#completed.length} done (${range(this.#completed)})`
        : '0 done';
    const failed = this.#failed > 0 ? `, ${this.#failed} failed` : '';
    this.#log.line(
      'summary',
      `tasks: ${done}${failed}, ${this.#running.size} running, ${this.#totalCompleted} done in total | agents: ${agents || 'none'} | ${this.#events} events (${Math.round(this.#events / seconds)}/s)`,
      'dim',
    );
    this.#events = 0;
    this.#completed = [];
    this.#failed = 0;
  }
}

function range(ids: string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids[0]} … ${ids[ids.length - 1]}`;
}

function short(id: string): string {
  return id.slice(0, 8);
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
}
