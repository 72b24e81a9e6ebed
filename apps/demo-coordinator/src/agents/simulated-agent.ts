import type { CommandService } from '@switchboard/channels-agent';
import { WSClient } from '@switchboard/client';
import type { AgentChannels } from '../channels/index.ts';
import type { AgentPort, AgentStatus, Proposal, TaskAssignment } from '../channels/ports.ts';
import { between, pick, type Random } from '../random.ts';
import { demoCommands, LogTail } from './commands.ts';

export interface SimulatedAgentOptions {
  agentId: string;
  /** Hub URL (`ws://host:port/ws`). */
  url: string;
  /** This agent's own token: the hub knows it as principal `agentId`. */
  token: string;
  random: Random;
  /** Chance per tick that a running task crashes. */
  failureRate: number;
  /** Ticks an agent stays in `error` before it recovers. */
  recoverTicks: number;
  /** Binds the agent's connection to the channels. */
  channels: (client: WSClient, agentId: string) => AgentChannels;
  /** Called when something goes wrong that is not part of the simulation. */
  onError: (error: unknown) => void;
}

interface Work {
  taskId: string;
  percent: number;
  startedTick: number;
}

const STEPS = [
  'reading inputs',
  'planning',
  'calling tools',
  'running tests',
  'summarising',
  'writing results',
];
const FAILURES = [
  'tool call timed out',
  'out of memory',
  'upstream returned 503',
  'lost its lease',
];

/**
 * One agent on its own connection, with its own token. Each tick it advances its task,
 * streams progress and log lines, and reports health and metrics; it crashes now and
 * then, recovers, can leave and rejoin, and votes on proposals.
 */
export class SimulatedAgent {
  readonly id: string;
  readonly #options: SimulatedAgentOptions;
  #client: WSClient | undefined;
  #channels: AgentChannels | undefined;
  #status: AgentStatus = 'offline';
  #work: Work | undefined;
  #errorUntil = 0;
  #tick = 0;
  #startedAt = Date.now();
  #completed = 0;
  #failed = 0;
  #offs: (() => void)[] = [];
  #joining: Promise<void> | undefined;
  #leaving = false;
  #pendingVotes: { due: number; proposal: Proposal }[] = [];
  /** Its recent log lines, for the `tail logs` command. */
  readonly #logs = new LogTail();
  #commands: CommandService | undefined;
  /** Each agent leans to some topologies: it makes the votes interesting. */
  readonly #taste: number;

  constructor(options: SimulatedAgentOptions) {
    this.id = options.agentId;
    this.#options = options;
    this.#taste = options.random();
  }

  get status(): AgentStatus {
    return this.#status;
  }

  get online(): boolean {
    return this.#client !== undefined;
  }

  get busy(): boolean {
    return this.#work !== undefined;
  }

  /** Connects (a new connection each time: leaving and rejoining is a reconnect). */
  join(): Promise<void> {
    if (this.#joining) return this.#joining;
    if (this.#client) return Promise.resolve();
    this.#joining = this.#join().finally(() => {
      this.#joining = undefined;
    });
    return this.#joining;
  }

  async #join(): Promise<void> {
    const client = new WSClient({
      url: this.#options.url,
      token: this.#options.token,
      clientName: `agent ${this.id}`,
      reconnectIntervalMs: 250,
      maxReconnectIntervalMs: 2_000,
    });
    this.#client = client;
    try {
      await client.connect();
    } catch (error) {
      this.#client = undefined;
      throw error;
    }
    const channels = this.#options.channels(client, this.id);
    this.#channels = channels;
    this.#offs = [
      channels.tasks.onAssigned((assignment) => this.#onAssigned(assignment)),
      channels.swarm.onProposal((proposal) => this.#onProposal(proposal)),
      // A reconnect may reach a restarted hub whose log lacks our status: say it again.
      client.listen('connected', () => {
        this.#fire(this.#setStatus(this.#status === 'offline' ? 'idle' : this.#status));
      }),
    ];
    await channels.ready();
    // The dashboard's terminal: `status`, `tail logs`, `sleep <s>` (see commands.ts).
    this.#commands = channels.agent.serveCommands(
      demoCommands({ describe: () => this.#describe(), logs: this.#logs }),
    );
    await this.#commands.ready;
    this.#startedAt = Date.now();
    await this.#setStatus('starting', 'joined the swarm');
    this.#log('stdout', `${this.id} online, waiting for work`);
  }

  /** Says goodbye and disconnects. A task in hand is reported as failed (retryable). */
  async leave(reason: string): Promise<void> {
    // Leaving while joining: finish joining first, or the connection would outlive us.
    await this.#joining?.catch(() => {});
    const client = this.#client;
    const channels = this.#channels;
    if (!client || !channels || this.#leaving) return;
    // From here on, assignments are handed back (see #onAssigned).
    this.#leaving = true;
    try {
      const work = this.#work;
      this.#work = undefined;
      if (work) await channels.tasks.fail(work.taskId, `${this.id} left: ${reason}`, true);
      this.#log('stdout', `${this.id} leaving: ${reason}`);
      // Commands under way are interrupted and report their exit before we go.
      await this.#commands?.close();
      await this.#setStatus('offline', reason);
      await channels.agent.flush();
    } catch {
      // Leaving anyway.
    }
    for (const off of this.#offs.splice(0)) off();
    this.#commands = undefined;
    channels.close();
    this.#channels = undefined;
    this.#client = undefined;
    this.#pendingVotes = [];
    this.#status = 'offline';
    this.#leaving = false;
    await client.disconnect();
  }

  /** One simulation step. Publishes are not awaited: a tick never blocks on the hub. */
  tick(): void {
    this.#tick += 1;
    const channels = this.#channels;
    if (!channels) return;
    const agent = channels.agent;
    const random = this.#options.random;
    this.#castDueVotes();

    if (this.#status === 'starting') {
      this.#fire(this.#setStatus('idle', 'ready'));
    } else if (this.#status === 'error' && this.#tick >= this.#errorUntil) {
      this.#log('stdout', 'restarted worker, healthy again');
      this.#fire(this.#setStatus('idle', 'recovered'));
    } else if (this.#work) {
      this.#advance(this.#work, channels, random);
    }

    if (this.#tick % 4 === 0) {
      const cpuBase = this.#work ? 55 : 8;
      this.#fire(
        agent.health({
          healthy: this.#status !== 'error',
          cpu: Math.min(100, cpuBase + random() * 35),
          memoryMb: Math.round(180 + random() * 60 + (this.#work ? 120 : 0)),
          uptimeMs: Date.now() - this.#startedAt,
        }),
      );
    }
    if (this.#tick % 6 === 3) {
      this.#fire(
        agent.metrics({
          done: this.#completed,
          failed: this.#failed,
          'tok/s': Math.round(this.#work ? 40 + random() * 80 : 0),
        }),
      );
    }
    this.#fire(agent.flush());
  }

  #advance(work: Work, channels: AgentChannels, random: Random): void {
    if (random() < this.#options.failureRate) {
      const error = pick(random, FAILURES);
      this.#work = undefined;
      this.#failed += 1;
      this.#errorUntil = this.#tick + this.#options.recoverTicks;
      this.#log('stderr', `${work.taskId}: ${error}`);
      // One connection keeps publish order: the failure lands before the status.
      this.#fire(channels.tasks.fail(work.taskId, error, true));
      this.#fire(this.#setStatus('error', `${work.taskId} crashed: ${error}`));
      return;
    }
    work.percent = Math.min(100, work.percent + between(random, 6, 18));
    if (work.percent >= 100) {
      this.#work = undefined;
      this.#completed += 1;
      const ticks = this.#tick - work.startedTick;
      this.#log('stdout', `${work.taskId}: done in ${ticks} ticks`);
      this.#fire(
        channels.tasks.complete(work.taskId, { ticks, summary: `${work.taskId} by ${this.id}` }),
      );
      this.#fire(this.#setStatus('idle', `finished ${work.taskId}`));
      return;
    }
    const step =
      STEPS[Math.min(STEPS.length - 1, Math.floor((work.percent / 100) * STEPS.length))]!;
    if (random() < 0.5) this.#log('stdout', `${work.taskId}: ${step} (${work.percent}%)`);
    this.#fire(channels.tasks.progress(work.taskId, work.percent, step));
  }

  #onAssigned(assignment: TaskAssignment): void {
    const channels = this.#channels;
    if (!channels || assignment.agentId !== this.id) return;
    if (this.#work || this.#leaving || this.#status === 'error' || this.#status === 'offline') {
      const why = this.#leaving ? 'leaving' : this.#work ? 'busy' : this.#status;
      this.#fire(channels.tasks.fail(assignment.taskId, `${this.id} is ${why}`, true));
      return;
    }
    this.#work = { taskId: assignment.taskId, percent: 0, startedTick: this.#tick };
    this.#log('stdout', `picked up ${assignment.taskId}`);
    this.#fire(this.#setStatus('busy', `working on ${assignment.taskId}`));
    this.#fire(channels.tasks.progress(assignment.taskId, 0, 'accepted'));
  }

  #onProposal(proposal: Proposal): void {
    if (!proposal.voters.includes(this.id)) return;
    // Agents take a tick or two to think, so votes arrive one by one.
    this.#pendingVotes.push({ due: this.#tick + between(this.#options.random, 1, 3), proposal });
  }

  #castDueVotes(): void {
    const channels = this.#channels;
    if (!channels) return;
    const due = this.#pendingVotes.filter((vote) => vote.due <= this.#tick);
    this.#pendingVotes = this.#pendingVotes.filter((vote) => vote.due > this.#tick);
    for (const { proposal } of due) {
      const choices = proposal.choices;
      // Mostly the agent's taste, sometimes a coin toss.
      const index =
        this.#options.random() < 0.75
          ? Math.floor(this.#taste * choices.length)
          : Math.floor(this.#options.random() * choices.length);
      const choice = choices[Math.min(index, choices.length - 1)];
      if (choice === undefined) continue;
      this.#log('stdout', `voted ${choice} on ${proposal.proposalId}`);
      this.#fire(channels.swarm.vote(proposal.proposalId, choice));
    }
  }

  /** Logs a line through the agent's log stream, and keeps it for `tail logs`. */
  #log(stream: 'stdout' | 'stderr', text: string): void {
    const time = new Date().toISOString().slice(11, 19);
    this.#logs.push(`${time} ${stream === 'stderr' ? 'ERR ' : ''}${text}`);
    this.#channels?.agent.log(stream, text);
  }

  /** The lines of the `status` command. */
  #describe(): string[] {
    return [
      `agent:     ${this.id}`,
      `status:    ${this.#status}`,
      `task:      ${this.#work ? `${this.#work.taskId} (${this.#work.percent}%)` : 'none'}`,
      `uptime:    ${Math.round((Date.now() - this.#startedAt) / 1000)} s`,
      `completed: ${this.#completed}, failed: ${this.#failed}`,
    ];
  }

  /** The new status holds at once; the returned promise is its publish. */
  #setStatus(status: AgentStatus, reason?: string): Promise<void> {
    this.#status = status;
    return this.#channels?.agent.status(status, reason) ?? Promise.resolve();
  }

  #fire(promise: Promise<unknown>): void {
    promise.catch((error: unknown) => {
      // A publish refused because we left meanwhile is expected; anything else is not.
      if (this.#client) this.#options.onError(error);
    });
  }
}

export type { AgentPort };
