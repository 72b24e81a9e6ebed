import { WSClient } from '@switchboard/client';
import type { CoordinatorChannels } from './channels/index.ts';
import type { AgentStatus, ConsensusResult, TaskOutcome, TopologyName } from './channels/ports.ts';
import { pick, type Random } from './random.ts';

export interface CoordinatorOptions {
  url: string;
  token: string;
  swarmId: string;
  random: Random;
  tickMs: number;
  /** First consensus round after this many ticks. */
  firstRoundTick: number;
  /** Then one round every this many ticks. */
  roundEveryTicks: number;
  /** Voters get this many ticks to vote. */
  voteTicks: number;
  /** A task is given up after this many failed attempts. */
  maxAttempts: number;
  channels: (client: WSClient) => CoordinatorChannels;
  onError: (error: unknown) => void;
}

interface TaskRecord {
  id: string;
  title: string;
  attempts: number;
  agentId: string | undefined;
  assignedTick: number;
}

export interface CoordinatorStats {
  created: number;
  completed: number;
  failedAttempts: number;
  abandoned: number;
  rounds: ConsensusResult[];
  topology: TopologyName;
  topologyVersion: number;
}

export const TOPOLOGIES: readonly TopologyName[] = ['mesh', 'hierarchical', 'ring', 'star'];

const TITLES = [
  'Index the repository',
  'Summarise PR #412',
  'Triage the issue backlog',
  'Generate API reference',
  'Run the regression suite',
  'Refactor the auth module',
  'Translate the README',
  'Scan dependencies for CVEs',
  'Benchmark the router',
  'Draft release notes',
  'Review flaky tests',
  'Profile cold start',
];

/** Ticks without an outcome after which an assignment counts as lost. */
const ASSIGNMENT_TIMEOUT_TICKS = 40;

/**
 * The coordinator: one unrestricted connection that creates tasks, assigns them to idle
 * agents, re-queues failed ones, and now and then asks the swarm to vote on a topology
 * change, publishing the new topology when the hub reports consensus.
 */
export class Coordinator {
  readonly #options: CoordinatorOptions;
  readonly #client: WSClient;
  #channels: CoordinatorChannels | undefined;
  readonly #agents = new Map<string, AgentStatus>();
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #queue: string[] = [];
  readonly #busy = new Map<string, string>();
  #tick = 0;
  #nextTask = 1;
  #nextProposal = 1;
  #round: Promise<void> | undefined;
  #stopped = false;
  #offs: (() => void)[] = [];
  readonly stats: CoordinatorStats = {
    created: 0,
    completed: 0,
    failedAttempts: 0,
    abandoned: 0,
    rounds: [],
    topology: 'mesh',
    topologyVersion: 0,
  };

  constructor(options: CoordinatorOptions) {
    this.#options = options;
    this.#client = new WSClient({
      url: options.url,
      token: options.token,
      clientName: 'coordinator',
      reconnectIntervalMs: 250,
      maxReconnectIntervalMs: 2_000,
    });
  }

  async start(): Promise<void> {
    await this.#client.connect();
    const channels = this.#options.channels(this.#client);
    this.#channels = channels;
    this.#offs = [
      channels.agents.onStatus((agentId, status) => this.#onStatus(agentId, status)),
      channels.tasks.onOutcome((outcome) => this.#onOutcome(outcome)),
    ];
    await channels.ready();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#offs.splice(0)) off();
    this.#channels?.close();
    await this.#client.disconnect();
  }

  /** Agents the coordinator believes are connected. */
  onlineAgents(): string[] {
    return [...this.#agents]
      .filter(([, status]) => status !== 'offline')
      .map(([id]) => id)
      .sort();
  }

  tick(): void {
    const channels = this.#channels;
    if (!channels || this.#stopped) return;
    this.#tick += 1;
    if (this.stats.topologyVersion === 0 && this.#tick >= 2) {
      // The starting topology, once the agents that joined with us have said hello.
      this.#fire(this.#publishTopology(this.stats.topology));
    }
    this.#reclaimLostAssignments();
    this.#createWork(channels);
    this.#assign(channels);
    const { firstRoundTick, roundEveryTicks } = this.#options;
    const due =
      this.#tick === firstRoundTick ||
      (this.#tick > firstRoundTick && (this.#tick - firstRoundTick) % roundEveryTicks === 0);
    if (due && !this.#round) {
      this.#round = this.#runRound(channels)
        .catch((error: unknown) => {
          if (!this.#stopped) this.#options.onError(error);
        })
        .finally(() => {
          this.#round = undefined;
        });
    }
  }

  #createWork(channels: CoordinatorChannels): void {
    const idle = this.onlineAgents().filter((id) => this.#isFree(id)).length;
    // Keep a small backlog so the task list always has something waiting.
    if (this.#queue.length >= Math.max(2, idle)) return;
    const id = `t-${String(this.#nextTask).padStart(3, '0')}`;
    this.#nextTask += 1;
    const title = pick(this.#options.random, TITLES);
    this.#tasks.set(id, { id, title, attempts: 0, agentId: undefined, assignedTick: 0 });
    this.#queue.push(id);
    this.stats.created += 1;
    this.#fire(channels.tasks.create(id, title));
  }

  #assign(channels: CoordinatorChannels): void {
    const free = this.onlineAgents().filter((id) => this.#isFree(id));
    while (free.length > 0 && this.#queue.length > 0) {
      const agentId = free.splice(Math.floor(this.#options.random() * free.length), 1)[0]!;
      const taskId = this.#queue.shift()!;
      const task = this.#tasks.get(taskId);
      if (!task) continue;
      task.agentId = agentId;
      task.attempts += 1;
      task.assignedTick = this.#tick;
      this.#busy.set(agentId, taskId);
      this.#fire(channels.tasks.assign(taskId, agentId));
    }
  }

  #isFree(agentId: string): boolean {
    return this.#agents.get(agentId) === 'idle' && !this.#busy.has(agentId);
  }

  #onStatus(agentId: string, status: AgentStatus): void {
    this.#agents.set(agentId, status);
    if (status === 'offline' || status === 'error') this.#requeueHeldBy(agentId);
  }

  #onOutcome(outcome: TaskOutcome): void {
    const task = this.#tasks.get(outcome.taskId);
    if (!task) return;
    // A failure reported by an agent that no longer holds the task changes nothing.
    if (!outcome.ok && outcome.agentId !== undefined && outcome.agentId !== task.agentId) return;
    if (task.agentId !== undefined && this.#busy.get(task.agentId) === task.id) {
      this.#busy.delete(task.agentId);
    }
    if (outcome.ok) {
      this.#tasks.delete(task.id);
      this.stats.completed += 1;
      return;
    }
    this.stats.failedAttempts += 1;
    this.#requeue(task, outcome.retryable !== false);
  }

  #requeueHeldBy(agentId: string): void {
    const taskId = this.#busy.get(agentId);
    this.#busy.delete(agentId);
    const task = taskId ? this.#tasks.get(taskId) : undefined;
    if (task && task.agentId === agentId) this.#requeue(task, true);
  }

  #requeue(task: TaskRecord, retryable: boolean): void {
    task.agentId = undefined;
    if (this.#queue.includes(task.id)) return;
    if (!retryable || task.attempts >= this.#options.maxAttempts) {
      this.#tasks.delete(task.id);
      this.stats.abandoned += 1;
      return;
    }
    this.#queue.unshift(task.id);
  }

  #reclaimLostAssignments(): void {
    for (const [agentId, taskId] of this.#busy) {
      const task = this.#tasks.get(taskId);
      if (task && this.#tick - task.assignedTick > ASSIGNMENT_TIMEOUT_TICKS) {
        this.#busy.delete(agentId);
        this.#requeue(task, true);
      }
    }
  }

  async #runRound(channels: CoordinatorChannels): Promise<void> {
    // Voters: the swarm's members as the hub sees their connections, and not on their way out.
    const members = new Set(channels.swarm.members());
    const voters = this.onlineAgents().filter((id) => members.has(id));
    if (voters.length < 2) return;
    const current = this.stats.topology;
    const alternatives = TOPOLOGIES.filter((t) => t !== current);
    const proposed = pick(this.#options.random, alternatives);
    const proposalId = `p-${this.#nextProposal}`;
    this.#nextProposal += 1;
    const deadlineMs = this.#options.voteTicks * this.#options.tickMs;
    await channels.swarm.propose({
      proposalId,
      subject: `Switch ${this.#options.swarmId} from ${current} to ${proposed}?`,
      choices: [proposed, current],
      voters,
      deadlineMs,
    });
    const result = await channels.swarm.waitForConsensus(proposalId, deadlineMs * 3 + 2_000);
    this.stats.rounds.push(result);
    // Two choices: the first is "yes", so `approved` means switch and `rejected` means stay.
    if (result.outcome === 'approved' && result.winner === proposed) {
      await this.#publishTopology(proposed);
    }
  }

  #publishTopology(topology: TopologyName): Promise<void> {
    this.stats.topology = topology;
    this.stats.topologyVersion += 1;
    return (
      this.#channels?.swarm.publishTopology({
        topology,
        agents: this.#channels.swarm.members().sort(),
        version: this.stats.topologyVersion,
      }) ?? Promise.resolve()
    );
  }

  #fire(promise: Promise<unknown>): void {
    promise.catch((error: unknown) => {
      if (!this.#stopped) this.#options.onError(error);
    });
  }
}
