import { formatTally } from '../../format.ts';
import {
  asRecord,
  clamp,
  isAgentStatus,
  num,
  preview,
  str,
  strings,
  tallyOf,
  votesOf,
} from './payload-values.ts';
import type {
  AgentView,
  DashboardLimits,
  HubEvent,
  PresenceChange,
  RoundView,
  StreamItem,
  TaskView,
  TopologyView,
} from './views.ts';

export {
  type AgentStatus,
  type AgentView,
  type DashboardLimits,
  type HubEvent,
  isAgentOffline,
  type PresenceChange,
  type RoundView,
  type StreamItem,
  type TaskState,
  type TaskView,
  type TopologyView,
} from './views.ts';

/**
 * The dashboard's model: folds hub events into agents, tasks, consensus rounds and an
 * event stream. No DOM here, so it is tested in Node. Payloads come from other processes
 * and are read defensively: a malformed event is listed in the stream but changes nothing.
 */

const DEFAULT_LIMITS: DashboardLimits = {
  finishedTasks: 40,
  rounds: 8,
  stream: 500,
  presence: 6,
};

export class DashboardState {
  epoch: string | undefined;
  readonly agents = new Map<string, AgentView>();
  readonly tasks = new Map<string, TaskView>();
  readonly rounds = new Map<string, RoundView>();
  topology: TopologyView | undefined;
  /** The latest joins and leaves, oldest first. */
  presence: PresenceChange[] = [];
  stream: StreamItem[] = [];
  /** Events applied since the page loaded, across epochs. */
  eventCount = 0;
  readonly #limits: DashboardLimits;
  /** Last sequence number applied per topic: replays after a reconnect are not applied twice. */
  readonly #seen = new Map<string, number>();

  constructor(limits: Partial<DashboardLimits> = {}) {
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** A new log (the hub restarted): what we knew describes a world that is gone. */
  reset(epoch: string | undefined): void {
    this.epoch = epoch;
    this.agents.clear();
    this.tasks.clear();
    this.rounds.clear();
    this.topology = undefined;
    this.presence = [];
    this.#seen.clear();
  }

  /** Applies one event; false when it was already applied (a replay) and nothing changed. */
  apply(event: HubEvent): boolean {
    if (event.epoch !== this.epoch) this.reset(event.epoch);
    const last = this.#seen.get(event.topic);
    if (last !== undefined && event.sequenceNumber <= last) return false;
    this.#seen.set(event.topic, event.sequenceNumber);
    this.eventCount += 1;
    const data = asRecord(event.data);
    const [domain, id, kind, ...rest] = event.topic.split('.');
    let described: Pick<StreamItem, 'text' | 'tone'> | undefined;
    if (data && id !== undefined && kind !== undefined) {
      if (domain === 'agent') described = this.#agent(id, kind, data, event.timestamp);
      else if (domain === 'task') described = this.#task(id, kind, data, event.timestamp);
      else if (domain === 'swarm') described = this.#swarm(id, kind, rest, data, event.timestamp);
    }
    this.#push({
      key: `${event.epoch}:${event.offset}`,
      topic: event.topic,
      timestamp: event.timestamp,
      replay: event.replay === true,
      text: described?.text ?? preview(event.data),
      tone: described?.tone ?? 'plain',
    });
    return true;
  }

  /** Stream entries whose topic contains `filter` (case-insensitive), newest first. */
  filteredStream(filter: string, limit = 200): StreamItem[] {
    const needle = filter.trim().toLowerCase();
    const out: StreamItem[] = [];
    for (let i = this.stream.length - 1; i >= 0 && out.length < limit; i -= 1) {
      const item = this.stream[i]!;
      if (needle === '' || item.topic.toLowerCase().includes(needle)) out.push(item);
    }
    return out;
  }

  #agentView(id: string, at: number): AgentView {
    let agent = this.agents.get(id);
    if (!agent) {
      agent = { id, status: 'unknown', metrics: {}, updatedAt: at };
      this.agents.set(id, agent);
    }
    agent.updatedAt = at;
    return agent;
  }

  #agent(id: string, kind: string, data: Record<string, unknown>, at: number) {
    const agent = this.#agentView(id, at);
    switch (kind) {
      case 'status': {
        const status = str(data.status);
        if (!isAgentStatus(status)) return undefined;
        const previous = agent.status;
        agent.status = status;
        agent.reason = str(data.reason);
        if (status !== 'busy') agent.task = undefined;
        if (status === 'offline') {
          agent.present = false;
          wentOffline(agent, at);
        } else if (previous === 'offline') {
          agent.offlineSince = undefined;
        }
        const change = previous === 'unknown' ? status : `${previous} → ${status}`;
        const reason = agent.reason ? ` (${agent.reason})` : '';
        const tone = status === 'error' ? 'bad' : status === 'offline' ? 'warn' : 'plain';
        return { text: `${id}: ${change}${reason}`, tone } as const;
      }
      case 'health': {
        agent.healthy = typeof data.healthy === 'boolean' ? data.healthy : undefined;
        agent.cpu = num(data.cpu);
        agent.memoryMb = num(data.memoryMb);
        agent.uptimeMs = num(data.uptimeMs);
        const cpu = agent.cpu === undefined ? '' : ` cpu ${Math.round(agent.cpu)}%`;
        return {
          text: `${id}: ${agent.healthy === false ? 'unhealthy' : 'healthy'}${cpu}`,
          tone: agent.healthy === false ? 'warn' : 'plain',
        } as const;
      }
      case 'metrics': {
        const metrics = asRecord(data.metrics);
        if (!metrics) return undefined;
        for (const [name, value] of Object.entries(metrics)) {
          if (typeof value === 'number' && Number.isFinite(value)) agent.metrics[name] = value;
        }
        const values = Object.entries(metrics)
          .slice(0, 4)
          .map(([name, value]) => `${name} ${typeof value === 'number' ? value : '?'}`)
          .join(', ');
        return { text: `${id}: ${values}`, tone: 'plain' } as const;
      }
      case 'logs': {
        const lines = Array.isArray(data.lines) ? data.lines : [];
        const texts = lines.map((line) => str(asRecord(line)?.text)).filter(Boolean) as string[];
        if (texts.length > 0) agent.lastLog = texts[texts.length - 1];
        const dropped = num(data.dropped) ?? 0;
        const more = dropped > 0 ? ` (+${dropped} dropped)` : '';
        const first = texts[0] ?? '';
        const extra = texts.length > 1 ? ` … ${texts.length} lines` : '';
        return { text: `${id}: ${first}${extra}${more}`, tone: 'plain' } as const;
      }
      default:
        return undefined;
    }
  }

  #task(id: string, kind: string, data: Record<string, unknown>, at: number) {
    let task = this.tasks.get(id);
    if (!task) {
      task = {
        id,
        title: id,
        state: 'pending',
        percent: 0,
        attempts: 0,
        createdAt: at,
        updatedAt: at,
      };
      this.tasks.set(id, task);
    }
    task.updatedAt = at;
    const agentId = str(data.agentId);
    switch (kind) {
      case 'created':
        task.title = str(data.title) ?? id;
        return { text: `${id} created: ${task.title}`, tone: 'plain' } as const;
      case 'assigned':
        task.state = 'assigned';
        task.agentId = agentId;
        task.percent = 0;
        task.message = undefined;
        task.error = undefined;
        task.attempts += 1;
        if (agentId) this.#agentView(agentId, at).task = id;
        return { text: `${id} → ${agentId ?? '?'}`, tone: 'plain' } as const;
      case 'progress': {
        const percent = num(data.percent);
        if (percent === undefined) return undefined;
        // After a failure, progress means a new attempt is under way.
        if (task.state !== 'completed') task.state = 'running';
        task.percent = clamp(percent, 0, 100);
        task.message = str(data.message);
        if (agentId) task.agentId = agentId;
        const message = task.message ? ` ${task.message}` : '';
        return { text: `${id} ${Math.round(task.percent)}%${message}`, tone: 'plain' } as const;
      }
      case 'completed':
        task.state = 'completed';
        task.percent = 100;
        task.message = undefined;
        if (agentId) task.agentId = agentId;
        this.#release(task);
        this.#prune();
        return { text: `${id} completed by ${task.agentId ?? '?'}`, tone: 'good' } as const;
      case 'failed':
        if (agentId && task.agentId && agentId !== task.agentId && task.state !== 'completed') {
          // A stale report: the task already moved on to another agent.
          return {
            text: `${id}: ${agentId} gave it back (${str(data.error) ?? 'failed'})`,
            tone: 'warn',
          } as const;
        }
        task.state = 'failed';
        task.error = str(data.error) ?? 'failed';
        if (agentId) task.agentId = agentId;
        this.#release(task);
        this.#prune();
        return {
          text: `${id} failed on ${task.agentId ?? '?'}: ${task.error}${data.retryable ? ' (will retry)' : ''}`,
          tone: 'bad',
        } as const;
      default:
        return undefined;
    }
  }

  #swarm(swarmId: string, kind: string, rest: string[], data: Record<string, unknown>, at: number) {
    switch (kind) {
      case 'topology': {
        const topology = str(data.topology);
        if (!topology) return undefined;
        this.topology = {
          swarmId,
          topology,
          agents: strings(data.agents),
          version: num(data.version) ?? 0,
          at,
        };
        return {
          text: `${swarmId} topology v${this.topology.version}: ${topology}`,
          tone: 'good',
        } as const;
      }
      case 'presence': {
        const agentId = str(data.agentId);
        const event = str(data.event);
        if (!agentId || (event !== 'joined' && event !== 'left')) return undefined;
        const agent = this.#agentView(agentId, at);
        agent.present = event === 'joined';
        if (event === 'left') wentOffline(agent, at);
        else agent.offlineSince = undefined;
        const reason = str(data.reason);
        this.presence.push({ agentId, event, reason, at });
        if (this.presence.length > this.#limits.presence) this.presence.shift();
        return {
          text: `${agentId} ${event} ${swarmId}${reason ? ` (${reason})` : ''}`,
          tone: event === 'joined' ? 'good' : 'warn',
        } as const;
      }
      case 'proposal':
      case 'consensus': {
        const proposalId = str(data.proposalId) ?? rest[0];
        if (!proposalId) return undefined;
        const round = this.#round(proposalId, at);
        if (kind === 'proposal') {
          round.subject = str(data.subject) ?? round.subject;
          round.choices = strings(data.choices);
          round.voters = strings(data.voters);
          round.deadline = num(data.deadline);
          const quorum = asRecord(data.quorum);
          round.quorum = quorum
            ? `${str(quorum.rule) ?? '?'}${num(quorum.threshold) === undefined ? '' : ` ${num(quorum.threshold)}`}`
            : '';
          return { text: `proposal ${proposalId}: ${round.subject}`, tone: 'plain' } as const;
        }
        round.outcome = str(data.outcome);
        round.winner = str(data.winner);
        round.reason = str(data.reason);
        round.tally = tallyOf(data.tally);
        round.votes = votesOf(data.votes);
        const winner = round.winner ? `: ${round.winner}` : '';
        return {
          text: `consensus ${proposalId} ${round.outcome ?? '?'}${winner} ${formatTally(round.tally)}`,
          tone: round.outcome === 'approved' ? 'good' : 'warn',
        } as const;
      }
      default:
        return undefined;
    }
  }

  /** The agent that held a finished task is no longer working on it. */
  #release(task: TaskView): void {
    const agent = task.agentId ? this.agents.get(task.agentId) : undefined;
    if (agent?.task === task.id) agent.task = undefined;
  }

  #round(id: string, at: number): RoundView {
    let round = this.rounds.get(id);
    if (!round) {
      round = { id, subject: id, choices: [], voters: [], quorum: '', tally: {}, votes: {}, at };
      this.rounds.set(id, round);
      while (this.rounds.size > this.#limits.rounds) {
        this.rounds.delete(this.rounds.keys().next().value!);
      }
    }
    return round;
  }

  /** Drops the oldest finished tasks beyond the limit, and what we remembered about them. */
  #prune(): void {
    const finished = [...this.tasks.values()].filter(
      (task) => task.state === 'completed' || task.state === 'failed',
    );
    const excess = finished.length - this.#limits.finishedTasks;
    if (excess <= 0) return;
    finished.sort((a, b) => a.updatedAt - b.updatedAt);
    for (const task of finished.slice(0, excess)) {
      this.tasks.delete(task.id);
      for (const kind of ['created', 'assigned', 'progress', 'completed', 'failed']) {
        this.#seen.delete(`task.${task.id}.${kind}`);
      }
    }
  }

  #push(item: StreamItem): void {
    this.stream.push(item);
    if (this.stream.length > this.#limits.stream) {
      this.stream.splice(0, this.stream.length - this.#limits.stream);
    }
  }
}

/** What an agent reported while it was connected no longer describes it. */
function wentOffline(agent: AgentView, at: number): void {
  agent.offlineSince ??= at;
  agent.healthy = undefined;
  agent.cpu = undefined;
  agent.memoryMb = undefined;
  agent.uptimeMs = undefined;
  agent.metrics = {};
}
