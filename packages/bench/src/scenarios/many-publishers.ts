import { createHistogram } from 'node:perf_hooks';
import { sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import { type AgentMode, modeAcks, modeTarget } from '../load/agents.ts';
import type { AgentsCommands, AgentsMark, AgentsTotals } from '../load/commands.ts';
import { formatError } from '../log.ts';
import { Child } from '../process/child.ts';
import type { Scenario } from '../registry.ts';
import { integer, ms, percent, ratio } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import { withoutMissingNats } from '../server/nats-binary.ts';
import { type Marks, Topology } from '../topology.ts';
import { cpuShares } from './fanout.ts';

export const MODE_LABEL: Record<AgentMode, string> = {
  'switchboard-ack': 'Switchboard, acks',
  'switchboard-noack': 'Switchboard, ack: false',
  'nats-js': 'NATS JetStream (acked)',
  'nats-core': 'NATS core (no acks)',
};

/** The peer each mode is compared with. */
const PEER: Partial<Record<AgentMode, AgentMode>> = {
  'switchboard-ack': 'nats-js',
  'switchboard-noack': 'nats-core',
};

export interface ManyPublishersRun {
  mode: AgentMode;
  publishers: number;
  publishesPerSec: number;
  deliveriesPerSec: number;
  serverCpu: number;
  publishesPerServerCpuSec: number;
  deliveriesPerServerCpuSec: number;
  ackP50Us: number;
  ackP99Us: number;
  loadCpu: number;
  serverCoreOther: number;
  serverRssAfter: number;
  verified: boolean;
  problems: string[];
}

const WILDCARD: Record<'switchboard' | 'nats', string> = { switchboard: '#', nats: 'agent.>' };

function rate(before: number, after: number, fromUs: number, toUs: number): number {
  return ((after - before) * 1e6) / Math.max(1, toUs - fromUs);
}

async function measure(
  ctx: BenchContext,
  mode: AgentMode,
  publishers: number,
): Promise<ManyPublishersRun> {
  const cfg = ctx.config.manyPublishers;
  const target = modeTarget(mode);
  const label = `${MODE_LABEL[mode]} x${publishers.toLocaleString()}`;
  ctx.progress(`many publishers ${label}: starting`);
  const topology = await Topology.launch({
    target,
    subscribers: cfg.wildcardSubscribers,
    publisher: false,
    progressMs: 10,
    pattern: WILDCARD[target],
    sample: false,
  });
  const agents: Child<AgentsCommands>[] = [];
  try {
    const processes = Math.ceil(publishers / cfg.perProcess);
    for (let p = 0, first = 0; p < processes; p++) {
      const count = Math.floor(publishers / processes) + (p < publishers % processes ? 1 : 0);
      agents.push(
        Child.spawn<AgentsCommands>({
          name: `${mode} agents ${p}`,
          entry: 'load/agents-main.ts',
          config: {
            name: `agents${p}`,
            mode,
            first,
            count,
            concurrency: 100,
            publishers,
            budget: cfg.inFlight,
          },
          role: 'load',
        }),
      );
      first += count;
    }
    await Promise.all(agents.map((child) => child.ready(60_000)));
    const connected = await Promise.all(
      agents.map((child) => child.call('connect', { port: topology.port }, 300_000)),
    );
    ctx.progress(
      `many publishers ${label}: ${publishers.toLocaleString()} agents in ${Math.max(...connected.map((c) => c.ms))} ms`,
    );
    // The slowest wildcard subscriber's count goes to every agent process (flow control).
    for (const child of topology.subscriberProcesses) {
      child.on('progress', () => {
        for (const agent of agents) agent.notify('wildcard', { min: topology.minimum });
      });
    }
    const window = Math.max(1, Math.round(cfg.inFlight / publishers));
    await Promise.all(agents.map((child) => child.call('start', { window })));
    await sleep(cfg.warmupMs);
    const mark = async (): Promise<{ marks: Marks; agents: AgentsMark[] }> => {
      const [marks, agentMarks] = await Promise.all([
        topology.mark(),
        Promise.all(agents.map((child) => child.call('mark', null))),
      ]);
      return { marks, agents: agentMarks };
    };
    await Promise.all(agents.map((child) => child.call('arm', null)));
    const m0 = await mark();
    await sleep(cfg.windowMs);
    const m1 = await mark();
    const latencies = await Promise.all(agents.map((child) => child.call('latency', null)));
    const stopped: AgentsTotals[] = await Promise.all(
      agents.map((child) => child.call('stop', null)),
    );

    let publishesPerSec = 0;
    let deliveriesPerSec = 0;
    let loadCpu = 0;
    m0.agents.forEach((before, i) => {
      const after = m1.agents[i]!;
      publishesPerSec += rate(before.total, after.total, before.hrUs, after.hrUs);
      deliveriesPerSec += rate(before.echoes, after.echoes, before.hrUs, after.hrUs);
      loadCpu += rate(before.cpuUs, after.cpuUs, before.hrUs, after.hrUs) / 1e6;
    });
    m0.marks.subscribers.forEach((before, i) => {
      const after = m1.marks.subscribers[i]!;
      deliveriesPerSec += rate(before.total, after.total, before.hrUs, after.hrUs);
    });
    const shares = cpuShares(m0.marks, m1.marks);
    loadCpu += shares.loadCpu;
    const histogram = createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
    for (const { samples } of latencies) for (const s of samples) histogram.record(Math.max(1, s));

    // Every wildcard subscriber must get every publish once; every agent its own echoes.
    const sent = stopped.reduce((sum, t) => sum + t.sent, 0);
    const problems: string[] = [];
    const drained = await topology.waitForAll(sent, cfg.drainTimeoutMs);
    const states = await topology.verify();
    if (!drained) {
      const min = Math.min(...states.map((s) => s.min));
      const max = Math.max(...states.map((s) => s.max));
      problems.push(`not drained: wildcard subscribers got ${min}..${max} of ${sent} publishes`);
    } else if (states.some((s) => s.max !== sent)) {
      problems.push(`a wildcard subscriber got more than the ${sent} publishes`);
    }
    const dropped = states.reduce((n, s) => n + s.dropped, 0);
    if (dropped > 0) problems.push(`${dropped} dropped notices`);
    for (const state of states) problems.push(...state.errors);
    let final = await Promise.all(agents.map((child) => child.call('totals', null)));
    const sum = (key: 'acked' | 'echoes' | 'errors') => final.reduce((n, t) => n + t[key], 0);
    for (
      let i = 0;
      i < 100 && (sum('echoes') < sent || (modeAcks(mode) && sum('acked') < sent));
      i++
    ) {
      await sleep(50);
      final = await Promise.all(agents.map((child) => child.call('totals', null)));
    }
    if (sum('errors') > 0) {
      problems.push(`${sum('errors')} errors: ${final.find((t) => t.firstError)?.firstError}`);
    }
    if (modeAcks(mode) && sum('acked') !== sent) problems.push(`${sum('acked')} of ${sent} acked`);
    if (sum('echoes') !== sent) problems.push(`${sum('echoes')} of ${sent} echoes`);
    for (const problem of problems.slice(0, 5))
      ctx.progress(`many publishers ${label}: ${problem}`);
    const run: ManyPublishersRun = {
      mode,
      publishers,
      publishesPerSec,
      deliveriesPerSec,
      serverCpu: shares.serverCpu,
      publishesPerServerCpuSec: publishesPerSec / Math.max(shares.serverCpu, 1e-6),
      deliveriesPerServerCpuSec: deliveriesPerSec / Math.max(shares.serverCpu, 1e-6),
      ackP50Us: histogram.count > 0 ? histogram.percentile(50) : Number.NaN,
      ackP99Us: histogram.count > 0 ? histogram.percentile(99) : Number.NaN,
      loadCpu,
      serverCoreOther: shares.serverCoreOther,
      serverRssAfter: m1.marks.server.rss,
      verified: problems.length === 0,
      problems,
    };
    ctx.progress(
      `many publishers ${label}: ${integer(run.publishesPerSec)} publishes/s, server CPU ${percent(run.serverCpu)}, ${integer(run.publishesPerServerCpuSec)} per server CPU-s, p99 ${ms(run.ackP99Us)} ms`,
    );
    return run;
  } finally {
    await topology.close();
    await Promise.all(agents.map((child) => child.kill()));
  }
}

export const manyPublishersScenario: Scenario = {
  id: 'many-publishers',
  title: 'Many publishers',
  description:
    'P agent connections each publishing to its own topic agent.<i>.status in a closed loop (acked, or a bounded window without acks) and subscribed to it, plus 10 subscribers on every agent topic.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const cfg = ctx.config.manyPublishers;
    const usable = withoutMissingNats(
      cfg.modes.map((m) => modeTarget(m)),
      (line) => ctx.progress(line),
    );
    const modes = cfg.modes.filter((m) => usable.targets.includes(modeTarget(m)));
    const runs: ManyPublishersRun[] = [];
    const failures: string[] = [];
    for (const publishers of cfg.publishers) {
      for (const mode of modes) {
        try {
          runs.push(await measure(ctx, mode, publishers));
        } catch (error) {
          failures.push(`${MODE_LABEL[mode]} x${publishers}: ${formatError(error).split('\n')[0]}`);
          ctx.progress(
            `many publishers ${MODE_LABEL[mode]} x${publishers} failed: ${formatError(error)}`,
          );
        }
      }
    }
    const find = (mode: AgentMode | undefined, publishers: number) =>
      runs.find((r) => r.mode === mode && r.publishers === publishers);
    const table: Table = {
      title: `Many publishers (agent.<i>.status, 128-byte payload, ${cfg.wildcardSubscribers} wildcard subscribers plus each agent on its own topic)`,
      columns: [
        'server',
        'publishers',
        'publishes/s',
        'deliveries/s',
        'server CPU',
        'publishes / server CPU-s',
        'deliveries / server CPU-s',
        'vs NATS peer',
        'ack p50 ms',
        'ack p99 ms',
        'load CPU',
        'others on server core',
        'server RSS',
        'checked',
      ],
      rows: runs.map((run) => [
        MODE_LABEL[run.mode],
        integer(run.publishers),
        integer(run.publishesPerSec),
        integer(run.deliveriesPerSec),
        percent(run.serverCpu),
        integer(run.publishesPerServerCpuSec),
        integer(run.deliveriesPerServerCpuSec),
        ratio(
          run.publishesPerServerCpuSec,
          find(PEER[run.mode], run.publishers)?.publishesPerServerCpuSec,
        ),
        ms(run.ackP50Us),
        ms(run.ackP99Us),
        percent(run.loadCpu),
        percent(run.serverCoreOther),
        `${Math.round(run.serverRssAfter / 1024 / 1024)} MB`,
        run.verified ? 'ok' : `NO: ${run.problems[0]}`,
      ]),
      notes: [
        `Each agent runs its own closed loop: with acks it sends its next publish when the ack of the previous one arrives (Switchboard \`ack\`; NATS JetStream: PUB with a reply inbox, answered by the in-memory stream's +ACK JSON once stored); without acks (Switchboard \`ack: false\`, core NATS) up to ${cfg.inFlight.toLocaleString()} / publishers (at least 1) publishes per agent whose echo has not come back. In both, no more than ${cfg.inFlight.toLocaleString()} publishes over all agents may be ahead of the slowest wildcard subscriber (its count is relayed to the load processes every 10 ms), so no queue grows without bound.`,
        'Every agent is subscribed to its own topic (the per-agent subscriber; its echo is the acks-off flow control); deliveries = what the wildcard subscribers (Switchboard #, NATS agent.>) and the agents received. ack p50/p99: publish to ack, acks off: publish to its own echo.',
        `Agents are spread over load processes of at most ${cfg.perProcess.toLocaleString()} connections on the load core; checked: every wildcard subscriber got every publish exactly once, every agent every echo (and ack).`,
        "JetStream stream AGENTS over agent.*.status, memory storage, max 10,000 messages (Switchboard's default history).",
        ...usable.notes,
        ...failures.map((f) => `FAILED ${f}`),
      ],
    };
    const checks: Check[] = [];
    for (const publishers of cfg.publishers) {
      for (const [mode, peer, name] of [
        ['switchboard-ack', 'nats-js', 'acks on vs NATS JetStream'],
        ['switchboard-noack', 'nats-core', 'acks off vs core NATS'],
      ] as const) {
        const sb = find(mode, publishers);
        const other = find(peer, publishers);
        checks.push({
          name: `Many publishers (${publishers.toLocaleString()}), ${name}`,
          requirement: '>= 1.0x publishes per server CPU-s, every delivery checked',
          actual:
            sb && other
              ? `${ratio(sb.publishesPerServerCpuSec, other.publishesPerServerCpuSec)} (${integer(sb.publishesPerServerCpuSec)} vs ${integer(other.publishesPerServerCpuSec)})${sb.verified ? '' : ', check failed'}`
              : 'not measured',
          pass:
            sb && other
              ? sb.publishesPerServerCpuSec >= other.publishesPerServerCpuSec && sb.verified
              : undefined,
        });
      }
    }
    return { tables: [table], checks, data: { runs, failures, config: cfg } };
  },
};
