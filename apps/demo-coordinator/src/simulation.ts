import { SimulatedAgent } from './agents/simulated-agent.ts';
import type { DemoTokens } from './auth.ts';
import type { HubChannels } from './channels/index.ts';
import { Coordinator } from './coordinator.ts';
import { pick, type Random } from './random.ts';

export interface SimulationOptions {
  /** Hub URL for the agents' and the coordinator's connections. */
  url: string;
  tokens: DemoTokens;
  agentIds: readonly string[];
  swarmId: string;
  channels: HubChannels;
  random: Random;
  tickMs: number;
  /** Chance per tick that a running task crashes. */
  failureRate: number;
  /** Chance per tick that an idle agent leaves for a while (one at a time). */
  leaveRate: number;
  /** Ticks an agent stays away. */
  awayTicks: number;
  recoverTicks: number;
  firstRoundTick: number;
  roundEveryTicks: number;
  voteTicks: number;
  onError: (error: unknown) => void;
}

/**
 * Drives the demo: one clock ticks the coordinator and every agent, and makes an agent
 * leave and come back now and then so the swarm's presence changes.
 */
export class Simulation {
  readonly coordinator: Coordinator;
  readonly agents: SimulatedAgent[];
  readonly #options: SimulationOptions;
  readonly #away = new Map<SimulatedAgent, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticks = 0;
  #stopping = false;

  constructor(options: SimulationOptions) {
    this.#options = options;
    const onError = (error: unknown) => {
      if (!this.#stopping) options.onError(error);
    };
    this.coordinator = new Coordinator({
      url: options.url,
      token: options.tokens.coordinator,
      swarmId: options.swarmId,
      random: options.random,
      tickMs: options.tickMs,
      firstRoundTick: options.firstRoundTick,
      roundEveryTicks: options.roundEveryTicks,
      voteTicks: options.voteTicks,
      maxAttempts: 3,
      channels: (client) => options.channels.forCoordinator(client),
      onError,
    });
    this.agents = options.agentIds.map(
      (agentId) =>
        new SimulatedAgent({
          agentId,
          url: options.url,
          token: options.tokens.agents[agentId]!,
          random: options.random,
          failureRate: options.failureRate,
          recoverTicks: options.recoverTicks,
          channels: (client, id) => options.channels.forAgent(client, id),
          onError,
        }),
    );
  }

  get ticks(): number {
    return this.#ticks;
  }

  async start(): Promise<void> {
    await this.coordinator.start();
    await Promise.all(this.agents.map((agent) => agent.join()));
    this.#timer = setInterval(() => this.step(), this.#options.tickMs);
  }

  /** One tick of everything; the timer calls it, tests may too. */
  step(): void {
    if (this.#stopping) return;
    this.#ticks += 1;
    this.coordinator.tick();
    for (const agent of this.agents) agent.tick();
    this.#churn();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    await Promise.allSettled(this.agents.map((agent) => agent.leave('demo shutting down')));
    await this.coordinator.stop();
  }

  #churn(): void {
    for (const [agent, back] of this.#away) {
      if (this.#ticks < back) continue;
      this.#away.delete(agent);
      agent.join().catch((error: unknown) => {
        if (!this.#stopping) this.#options.onError(error);
      });
    }
    if (this.#away.size > 0 || this.#options.random() >= this.#options.leaveRate) return;
    // Someone idle leaves, as long as most of the swarm stays.
    const online = this.agents.filter((agent) => agent.online);
    const candidates = online.filter((agent) => !agent.busy && agent.status === 'idle');
    if (candidates.length === 0 || online.length < Math.max(2, this.agents.length / 2)) return;
    const agent = pick(this.#options.random, candidates);
    this.#away.set(agent, this.#ticks + this.#options.awayTicks);
    agent.leave('taking a break').catch((error: unknown) => this.#options.onError(error));
  }
}
