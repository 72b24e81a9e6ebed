import type { BenchContext } from '../context.ts';
import type { ExpectedReplay, ReplayClientCommands, ReplayRound } from '../load/commands.ts';
import { Child } from '../process/child.ts';
import type { Scenario } from '../registry.ts';
import { integer } from '../report/format.ts';
import type { Check, ScenarioReport, Table } from '../report/model.ts';
import { Topology } from '../topology.ts';

/** The issue's target for replaying 10,000 missed events, end to end on loopback. */
const TARGET_MS = 100;
/** The client's reconnect delay ceiling: it is back at the gate almost at once. */
const RECONNECT_INTERVAL_MS = 20;

export interface ReplayRoundResult {
  round: number;
  warmup: boolean;
  /** Server: time to append the batch with router.publish while the client was away. */
  publishMs: number;
  resume: ReplayRound;
  since: ReplayRound;
  /** Server process CPU time over each replay (from letting the client in / from connecting). */
  serverCpuMs: { resume: number; since: number };
}

interface Summary {
  rounds: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  medianAckMs: number;
  medianFirstMs: number;
  medianClientCpuMs: number;
  medianServerCpuMs: number;
  ok: boolean;
  problems: string[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function problemsOf(replay: ReplayRound, expected: number): string[] {
  const problems = [...replay.errors];
  if (!replay.recovered) problems.push('the hub said recovered: false');
  if (replay.replayed !== expected) problems.push(`the hub replayed ${replay.replayed}`);
  if (replay.replayFlagged !== replay.events) {
    problems.push(`${replay.events - replay.replayFlagged} events came live, not replayed`);
  }
  if (!Number.isFinite(replay.ms)) problems.push('not timed (no reconnect or no event seen)');
  return problems;
}

function summarize(
  rounds: ReplayRoundResult[],
  pick: (r: ReplayRoundResult) => ReplayRound,
  serverCpu: (r: ReplayRoundResult) => number,
  expected: number,
): Summary {
  const measured = rounds.filter((r) => !r.warmup);
  const times = measured.map((r) => pick(r).ms);
  const problems = measured.flatMap((r) =>
    problemsOf(pick(r), expected).map((p) => `round ${r.round}: ${p}`),
  );
  return {
    rounds: measured.length,
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    medianAckMs: median(measured.map((r) => pick(r).ackMs)),
    medianFirstMs: median(measured.map((r) => pick(r).firstMs)),
    medianClientCpuMs: median(measured.map((r) => pick(r).clientCpuMs)),
    medianServerCpuMs: median(measured.map(serverCpu)),
    ok: measured.length > 0 && problems.length === 0,
    problems,
  };
}

function fmt(msValue: number): string {
  if (!Number.isFinite(msValue)) return 'n/a';
  return msValue >= 100 ? msValue.toFixed(0) : msValue.toFixed(1);
}

/**
 * One round: the hub holds new upgrades, cuts the client's TCP socket, appends `events`
 * events while the client is away (it retries at once and waits at the gate), then lets it
 * back in; the client's resubscribe carries its position and the hub replays the gap. Then a
 * fresh client replays the same events with a first-time `subscribe(..., { since })`.
 */
async function runRound(
  ctx: BenchContext,
  topology: Topology,
  client: Child<ReplayClientCommands>,
  round: number,
  warmup: boolean,
): Promise<ReplayRoundResult> {
  const { replay } = ctx.config;
  const server = topology.server;
  const { connectionId } = await client.call('arm', null);
  await server.call('gate', { open: false });
  const { cut } = await server.call('cut', { connectionId });
  if (!cut) throw new Error(`connection ${connectionId} not found on the server`);
  const { willReconnect } = await client.call('awaitDisconnect', { timeoutMs: 10_000 });
  if (!willReconnect) throw new Error('the client will not reconnect after the cut');
  const batch = await server.call('publishBatch', { count: replay.events }, 60_000);
  const expected: ExpectedReplay = {
    count: batch.count,
    firstSequence: batch.firstSequence,
    firstOffset: batch.firstOffset,
    lastOffset: batch.lastOffset,
  };
  const cpu0 = (await server.call('mark', null)).cpuUs;
  await server.call('gate', { open: true });
  const resume = await client.call(
    'awaitReplay',
    { expected, timeoutMs: 30_000, settleMs: replay.settleMs },
    60_000,
  );
  const cpu1 = (await server.call('mark', null)).cpuUs;
  const since = await client.call(
    'sinceReplay',
    {
      port: topology.port,
      since: batch.firstOffset - 1,
      expected,
      timeoutMs: 30_000,
      settleMs: replay.settleMs,
    },
    60_000,
  );
  const cpu2 = (await server.call('mark', null)).cpuUs;
  ctx.progress(
    `replay round ${round}${warmup ? ' (warm-up)' : ''}: resume ${fmt(resume.ms)} ms (${resume.events} events${resume.errors.length ? `, ${resume.errors[0]}` : ''}), since ${fmt(since.ms)} ms (${since.events} events${since.errors.length ? `, ${since.errors[0]}` : ''}); published in ${fmt(batch.ms)} ms`,
  );
  return {
    round,
    warmup,
    publishMs: batch.ms,
    resume,
    since,
    serverCpuMs: { resume: (cpu1 - cpu0) / 1000, since: (cpu2 - cpu1) / 1000 },
  };
}

export const replayScenario: Scenario = {
  id: 'replay',
  title: 'Replay of missed events',
  description:
    'A real WSClient subscribed to bench.# is cut off (the hub destroys its TCP socket) while 10,000 events are published, reconnects and resumes from its position; timed in the client process from its `connected` event to the last replayed event, checked exactly once and in order. Also a first-time subscribe with `since` over the same events.',
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const { replay } = ctx.config;
    ctx.progress(`replay: ${integer(replay.events)} events, ${replay.rounds} rounds`);
    const topology = await Topology.launch({
      target: 'switchboard',
      subscribers: 0,
      publisher: false,
      progressMs: 0,
      switchboard: { historySize: replay.historySize, gate: true },
    });
    const client = Child.spawn<ReplayClientCommands>({
      name: 'replay client',
      entry: 'load/replay-main.ts',
      config: { name: 'replay', reconnectIntervalMs: RECONNECT_INTERVAL_MS },
      role: 'load',
    });
    const rounds: ReplayRoundResult[] = [];
    try {
      await client.ready(60_000);
      await client.call('connect', { port: topology.port }, 30_000);
      // The client has received an event before it is cut: it resumes from a real position.
      await topology.server.call('publishBatch', { count: 1 });
      await client.call('waitEvents', { count: 1, timeoutMs: 10_000 });
      const total = replay.warmupRounds + replay.rounds;
      for (let i = 0; i < total; i++) {
        rounds.push(await runRound(ctx, topology, client, i + 1, i < replay.warmupRounds));
      }
    } finally {
      await client.kill();
      await topology.close();
    }

    const resume = summarize(
      rounds,
      (r) => r.resume,
      (r) => r.serverCpuMs.resume,
      replay.events,
    );
    const since = summarize(
      rounds,
      (r) => r.since,
      (r) => r.serverCpuMs.since,
      replay.events,
    );
    const warm = rounds.filter((r) => r.warmup);
    const events = integer(replay.events);
    const row = (label: string, s: Summary, from: string) => [
      label,
      from,
      s.rounds,
      fmt(s.medianMs),
      fmt(s.minMs),
      fmt(s.maxMs),
      integer((replay.events * 1000) / s.medianMs),
      fmt(s.medianFirstMs),
      fmt(s.medianAckMs),
      fmt(s.medianServerCpuMs),
      fmt(s.medianClientCpuMs),
      s.ok ? 'ok: exactly once, in order' : `NO: ${s.problems[0]}`,
    ];
    const table: Table = {
      title: `Replay of ${events} missed events (128-byte payload, WSClient, loopback)`,
      columns: [
        'replay',
        'timed from',
        'rounds',
        'median ms',
        'min ms',
        'max ms',
        'events/s (median)',
        'first event ms',
        'ack ms',
        'server CPU ms',
        'client CPU ms',
        'checked',
      ],
      rows: [
        row('resume after a cut (`position`)', resume, '`connected` event'),
        row('first subscribe with `since`', since, '`subscribe()` call'),
      ],
      notes: [
        `Each round: the hub holds new upgrades, destroys the client's TCP socket (as a network failure would), appends ${events} events with router.publish (8 topics under bench.#; history ${integer(replay.historySize)} events, default maxReplay 10,000) while the client is away, then lets its reconnect through; the client resubscribes with its position and the hub replays the gap. Times are taken in the client process, up to the moment the application's 'event' listener got the last replayed event.`,
        `checked: every event once, payload sequence and offsets in publish order, all ${events} flagged replay (none live), the hub's outcome recovered: true with replayed = ${events}; ${replay.settleMs} ms of waiting after the last one for strays.`,
        `first event, ack (the subscribe ack, which the hub sends after the replayed events), server CPU (process.cpuUsage() of the hub over the replay, the since figure including the fresh client's handshake) and client CPU (the client process from the start to the last event): medians. ${replay.warmupRounds} warm-up round(s) not counted${warm.length ? ` (resume ${warm.map((r) => fmt(r.resume.ms)).join(', ')} ms, since ${warm.map((r) => fmt(r.since.ms)).join(', ')} ms)` : ''}.`,
      ],
    };
    const checks: Check[] = [
      {
        name: `Replay of ${events} missed events after a reconnect`,
        requirement: `< ${TARGET_MS} ms end to end in every round, exactly once and in order`,
        actual:
          resume.rounds === 0
            ? 'not measured'
            : `median ${fmt(resume.medianMs)} ms, max ${fmt(resume.maxMs)} ms over ${resume.rounds} rounds${resume.ok ? '' : `; ${resume.problems[0]}`}`,
        pass: resume.rounds === 0 ? undefined : resume.ok && resume.maxMs < TARGET_MS,
      },
    ];
    return {
      tables: [table],
      checks,
      data: { config: replay, reconnectIntervalMs: RECONNECT_INTERVAL_MS, resume, since, rounds },
    };
  },
};
