import { nowUs, sleep } from './clock.ts';
import type {
  LoadMark,
  PublisherCommands,
  SubscriberCommands,
  SubscriberProgress,
  Verification,
} from './load/commands.ts';
import { progress } from './log.ts';
import { Child } from './process/child.ts';
import { cpuMicros } from './process/child-runtime.ts';
import { type CoreTimes, readCoreTimes } from './process/core-times.ts';
import type { ServerCommands, ServerMark, SwitchboardSettings } from './server/commands.ts';
import { TARGET_LABEL, type TargetId } from './targets.ts';

/** Subscribers per load process; 10k subscribers run in four processes, all on the load core. */
export const SUBSCRIBERS_PER_PROCESS = 2_500;
/** Connections each load process opens at once (the listen backlog is 511). */
const CONNECT_CONCURRENCY = 100;

export interface TopologyOptions {
  target: TargetId;
  subscribers: number;
  publisher: boolean;
  /** One subscriber is a real WSClient checking every event (Switchboard only). */
  witness?: boolean;
  /** How often subscriber processes report progress; 0 for idle connections. */
  progressMs?: number;
  /**
   * Subscribers whose processes are started now but connect only on `connectReserve()`, so a
   * scenario can take a reading between the two batches without waiting for process startup.
   */
  reserve?: number;
  /** Settings of the Switchboard server (history, queue size, upgrade gate, drop counting). */
  switchboard?: SwitchboardSettings;
  /** Subscribers subscribe to this instead of the bench pattern. */
  pattern?: string;
  /** Off: no subscriber checks the payload sequence (publishes from many publishers interleave). */
  sample?: boolean;
}

export interface Marks {
  server: ServerMark;
  subscribers: LoadMark[];
  publisher: LoadMark | undefined;
  /** The orchestrator also runs on the load core; its CPU counts as load. */
  orchestrator: LoadMark;
  /** Per-core busy ticks, to tell how much else ran on each core. */
  cores: CoreTimes;
}

interface Group {
  count: number;
  processes: Child<SubscriberCommands>[];
}

/**
 * One server under test (server core) with its subscriber processes and optional publisher
 * (load core), all started at once. `close()` kills the server first, so that the server side
 * of each TCP connection, not the client's ephemeral port, ends up in TIME_WAIT.
 */
export class Topology {
  readonly progressByProcess: SubscriberProgress[] = [];
  /** Subscriber processes that have connected (the reserve joins on connectReserve). */
  readonly subscriberProcesses: Child<SubscriberCommands>[] = [];
  #relay = false;
  #reserve: Group | undefined;
  #all: Child<SubscriberCommands>[] = [];

  private constructor(
    readonly options: TopologyOptions,
    readonly server: Child<ServerCommands>,
    readonly publisher: Child<PublisherCommands> | undefined,
    public port = 0,
  ) {}

  /** Fewest messages any subscriber has received. */
  get minimum(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const p of this.progressByProcess) min = Math.min(min, p.min);
    return min === Number.POSITIVE_INFINITY ? 0 : min;
  }

  static async launch(options: TopologyOptions): Promise<Topology> {
    const { target } = options;
    const server = Child.spawn<ServerCommands>({
      name: `${target} server`,
      entry: 'server/main.ts',
      config: { target, ...(options.switchboard ? { switchboard: options.switchboard } : {}) },
      role: 'server',
      exposeGc: true,
    });
    const publisher = options.publisher
      ? Child.spawn<PublisherCommands>({
          name: `${target} publisher`,
          entry: 'load/publisher-main.ts',
          config: { name: 'pub', target },
          role: 'load',
        })
      : undefined;
    const topology = new Topology(options, server, publisher);
    try {
      const main = topology.#spawnGroup(options.subscribers, options.witness === true);
      topology.#reserve = topology.#spawnGroup(options.reserve ?? 0, false);
      topology.port = ((await server.ready(60_000)) as { port: number }).port;
      await Promise.all([
        ...topology.#all.map((child) => child.ready(60_000)),
        publisher?.ready(60_000),
      ]);
      await topology.#connect(main);
      if (publisher) await publisher.call('connect', { port: topology.port }, 30_000);
      return topology;
    } catch (error) {
      await topology.close();
      throw error;
    }
  }

  /** Connects the reserved subscribers (see `TopologyOptions.reserve`). */
  async connectReserve(): Promise<void> {
    const group = this.#reserve;
    this.#reserve = undefined;
    if (group) await this.#connect(group);
  }

  #spawnGroup(count: number, witness: boolean): Group {
    const processes: Child<SubscriberCommands>[] = [];
    const n = count > 0 ? Math.ceil(count / SUBSCRIBERS_PER_PROCESS) : 0;
    for (let i = 0; i < n; i++) {
      const id = this.#all.length;
      const child = Child.spawn<SubscriberCommands>({
        name: `${this.options.target} subscribers ${id}`,
        entry: 'load/subscribers-main.ts',
        config: {
          name: `sub${id}`,
          target: this.options.target,
          count: Math.floor(count / n) + (i < count % n ? 1 : 0),
          witness: witness && i === 0,
          progressMs: this.options.progressMs ?? 10,
          concurrency: CONNECT_CONCURRENCY,
          ...(this.options.pattern ? { pattern: this.options.pattern } : {}),
          ...(this.options.sample === false ? { sample: false } : {}),
        },
        role: 'load',
      });
      this.#all.push(child);
      processes.push(child);
    }
    return { count, processes };
  }

  async #connect(group: Group): Promise<void> {
    if (group.count === 0) return;
    const label = TARGET_LABEL[this.options.target];
    progress(`  ${label}: connecting ${group.count.toLocaleString()} subscribers`);
    const connected = await Promise.all(
      group.processes.map((child) => child.call('connect', { port: this.port }, 300_000)),
    );
    for (const child of group.processes) {
      const index = this.subscriberProcesses.length;
      this.subscriberProcesses.push(child);
      this.progressByProcess[index] = { min: 0, max: 0, total: 0 };
      child.on('progress', (data) => {
        this.progressByProcess[index] = data as SubscriberProgress;
        if (this.#relay) this.publisher?.notify('progress', { min: this.minimum });
      });
    }
    const total = connected.reduce((sum, c) => sum + c.connected, 0);
    const ms = Math.max(...connected.map((c) => c.ms));
    progress(`  ${label}: ${total.toLocaleString()} subscribers ready in ${ms} ms`);
  }

  /** Starts forwarding the slowest subscriber's progress to the publisher. */
  relayProgress(): void {
    this.#relay = true;
  }

  async mark(): Promise<Marks> {
    const cores = readCoreTimes();
    const [server, subscribers, publisher] = await Promise.all([
      this.server.call('mark', null),
      Promise.all(this.subscriberProcesses.map((child) => child.call('mark', null))),
      this.publisher?.call('mark', null),
    ]);
    const orchestrator = { hrUs: nowUs(), cpuUs: cpuMicros(), total: 0 };
    return { server, subscribers, publisher, orchestrator, cores };
  }

  async verify(): Promise<Verification[]> {
    return Promise.all(this.subscriberProcesses.map((child) => child.call('verify', null)));
  }

  /** Waits until every subscriber has `expected` messages, or the timeout passes. */
  async waitForAll(expected: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const states = await this.verify();
      if (states.every((s) => s.min >= expected)) return true;
      await sleep(50);
    }
    return false;
  }

  async close(): Promise<void> {
    await this.server.kill();
    await Promise.all([...this.#all.map((child) => child.kill()), this.publisher?.kill()]);
  }
}
