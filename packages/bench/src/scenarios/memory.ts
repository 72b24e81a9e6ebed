import type { BenchContext } from '../context.ts';
import { formatError } from '../log.ts';
import type { Scenario } from '../registry.ts';
import { bytes, mb, ratio } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import type { ServerMemory } from '../server/commands.ts';
import { withoutMissingNats } from '../server/nats-binary.ts';
import { TARGET_LABEL, type TargetId } from '../targets.ts';
import { Topology } from '../topology.ts';

export interface MemoryRun {
  target: TargetId;
  connections: number;
  before: ServerMemory;
  after: ServerMemory;
  heapPerConnection: number;
  rssPerConnection: number;
}

/**
 * Server memory per idle subscribed connection: forced GC and a reading with a few warm-up
 * connections open (so one-time costs such as compiled code are not charged per connection),
 * then `connections` more, GC again; the difference divided by the connections added.
 */
export async function measureMemory(
  ctx: BenchContext,
  target: TargetId,
  connections: number,
): Promise<MemoryRun> {
  const { memory } = ctx.config;
  ctx.progress(`memory ${TARGET_LABEL[target]}: ${connections.toLocaleString()} idle connections`);
  const topology = await Topology.launch({
    target,
    subscribers: memory.warmupConnections,
    publisher: false,
    progressMs: 0,
    reserve: connections,
  });
  try {
    const before = await topology.server.call('memory', null);
    await topology.connectReserve();
    const after = await topology.server.call('memory', null);
    const run: MemoryRun = {
      target,
      connections,
      before,
      after,
      heapPerConnection: (after.heapUsed - before.heapUsed) / connections,
      rssPerConnection: (after.rss - before.rss) / connections,
    };
    ctx.progress(
      `memory ${TARGET_LABEL[target]}: heap ${bytes(run.heapPerConnection)}, RSS ${bytes(run.rssPerConnection)} per connection`,
    );
    return run;
  } finally {
    await topology.close();
  }
}

export const memoryScenario: Scenario = {
  id: 'memory',
  title: 'Memory per idle connection',
  description:
    'Idle connections (Switchboard: after hello and a subscribe to bench.#; Socket.IO: joined to the room); server heap after forced GC and RSS, growth divided by connections.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const { memory } = ctx.config;
    const runs: MemoryRun[] = [];
    const failures: string[] = [];
    const usable = withoutMissingNats(memory.targets, (line) => ctx.progress(line));
    for (const target of usable.targets) {
      try {
        runs.push(await measureMemory(ctx, target, memory.connections));
      } catch (error) {
        failures.push(`${TARGET_LABEL[target]}: ${formatError(error).split('\n')[0]}`);
        ctx.progress(`memory ${TARGET_LABEL[target]} failed: ${formatError(error)}`);
      }
    }
    const find = (target: TargetId) => runs.find((r) => r.target === target);
    const b0 = find('b0');
    const sio = find('socketio');
    const sb = find('switchboard');
    const nats = find('nats');
    const table: Table = {
      title: `Memory per idle connection (${memory.connections.toLocaleString()} connections, server process)`,
      columns: [
        'server',
        'heap / connection',
        'RSS / connection',
        'heap vs B0',
        'RSS vs Socket.IO',
        'RSS vs NATS',
        'heap before -> after',
        'RSS before -> after',
      ],
      rows: runs.map((run) => [
        TARGET_LABEL[run.target],
        bytes(run.heapPerConnection),
        bytes(run.rssPerConnection),
        ratio(run.heapPerConnection, b0?.heapPerConnection),
        ratio(run.rssPerConnection, sio?.rssPerConnection),
        ratio(run.rssPerConnection, nats?.rssPerConnection),
        `${mb(run.before.heapUsed)} -> ${mb(run.after.heapUsed)}`,
        `${mb(run.before.rss)} -> ${mb(run.after.rss)}`,
      ]),
      notes: [
        `Readings after global.gc() (server runs with --expose-gc), ${memory.warmupConnections} warm-up connections open in both; B0 is the raw ws server holding its sockets in an array.`,
        'NATS: nats-server (Go) RSS from /proc/<pid>/status without a forced GC (Go cannot be told to collect from outside); it has no V8 heap. Its connections CONNECT and SUB bench.>.',
        ...usable.notes,
        ...failures.map((f) => `FAILED ${f}`),
      ],
    };
    const checks: Check[] = [
      {
        name: 'Switchboard heap per idle connection',
        requirement: '<= B0 + 1 KB',
        actual:
          sb && b0
            ? `${bytes(sb.heapPerConnection)} vs B0 ${bytes(b0.heapPerConnection)}`
            : 'not measured',
        pass: sb && b0 ? sb.heapPerConnection <= b0.heapPerConnection + 1024 : undefined,
      },
      {
        name: 'Switchboard RSS per idle connection',
        requirement: "<= half of Socket.IO's",
        actual:
          sb && sio
            ? `${bytes(sb.rssPerConnection)} vs Socket.IO ${bytes(sio.rssPerConnection)} (${ratio(sb.rssPerConnection, sio.rssPerConnection)})`
            : 'not measured',
        pass: sb && sio ? sb.rssPerConnection <= 0.5 * sio.rssPerConnection : undefined,
      },
      {
        name: 'Switchboard RSS per idle connection beside NATS',
        requirement: 'reported beside NATS',
        actual:
          sb && nats
            ? `${bytes(sb.rssPerConnection)} vs NATS ${bytes(nats.rssPerConnection)} (${ratio(sb.rssPerConnection, nats.rssPerConnection)})`
            : 'not measured',
        pass: undefined,
      },
    ];
    return { tables: [table], checks, data: { runs, failures, config: memory } };
  },
};
