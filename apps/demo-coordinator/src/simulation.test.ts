import type { LogEntry } from '@switchboard/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDemoHub, type DemoHub } from './hub.ts';
import { createMemoryLog } from './log.ts';

const hubs: DemoHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});

async function start(options: Parameters<typeof createDemoHub>[0]) {
  const log = createMemoryLog();
  const hub = await createDemoHub({
    port: 0,
    tickMs: 15,
    seed: 42,
    log,
    summaryMs: 60_000,
    ...options,
  });
  hubs.push(hub);
  const published: LogEntry[] = [];
  hub.router.on('published', (entry) => published.push(entry));
  const on = (pattern: RegExp) => published.filter((entry) => pattern.test(entry.topic));
  return { hub, log, on };
}

describe('the simulation', () => {
  it('completes tasks, decides one consensus round exactly once and publishes the topology', async () => {
    const voteTicks = 6;
    const { hub, log, on } = await start({
      firstRoundTick: 4,
      roundEveryTicks: 100_000,
      voteTicks,
      failureRate: 0,
      leaveRate: 0,
    });
    const { coordinator } = hub.simulation;
    await vi.waitFor(
      () => {
        expect(coordinator.stats.completed).toBeGreaterThanOrEqual(3);
        expect(coordinator.stats.rounds).toHaveLength(1);
      },
      { timeout: 15_000, interval: 20 },
    );
    // Let the round's deadline pass: a tally that fires again at the deadline would show now.
    const decidedAt = hub.simulation.ticks;
    await vi.waitFor(
      () => expect(hub.simulation.ticks).toBeGreaterThan(decidedAt + voteTicks * 3),
      {
        timeout: 10_000,
        interval: 20,
      },
    );

    const proposals = on(/^swarm\.alpha\.proposal\./);
    const consensus = on(/^swarm\.alpha\.consensus\./);
    expect(proposals.map((entry) => entry.topic)).toEqual(['swarm.alpha.proposal.p-1']);
    expect(consensus.map((entry) => entry.topic)).toEqual(['swarm.alpha.consensus.p-1']);
    const decision = consensus[0]!.data as { outcome: string; winner?: string; tally: object };
    expect(['approved', 'rejected', 'no-quorum']).toContain(decision.outcome);
    expect(coordinator.stats.rounds[0]).toMatchObject({ outcome: decision.outcome });

    const topologies = on(/^swarm\.alpha\.topology$/).map(
      (entry) => entry.data as { topology: string; version: number; agents: string[] },
    );
    expect(topologies[0]).toMatchObject({ topology: 'mesh', version: 1 });
    if (decision.outcome === 'approved' && decision.winner !== 'mesh') {
      expect(topologies[1]).toMatchObject({ topology: decision.winner, version: 2 });
    } else {
      expect(topologies).toHaveLength(1);
    }

    // Every agent reported on its own connection, and progress came from the agents.
    const statusFrom = new Set(
      on(/^agent\.[^.]+\.status$/).map((entry) => entry.topic.split('.')[1]),
    );
    expect([...statusFrom].sort()).toEqual(['ada', 'babbage', 'curie', 'dijkstra', 'euler']);
    expect(on(/^task\.[^.]+\.progress$/).length).toBeGreaterThan(3);
    expect(on(/^agent\.[^.]+\.logs$/).length).toBeGreaterThan(0);
    expect(log.lines.some((line) => line.startsWith('consensus p-1 '))).toBe(true);
    expect(log.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });

  it('agents crash and recover, leave and rejoin, and failed tasks are retried', async () => {
    const { hub, on } = await start({
      failureRate: 0.15,
      recoverTicks: 3,
      leaveRate: 0.3,
      awayTicks: 4,
      firstRoundTick: 100_000,
    });
    await vi.waitFor(
      () => {
        const statuses = on(/^agent\.[^.]+\.status$/).map(
          (entry) => entry.data as { agentId: string; status: string; previous?: string },
        );
        expect(statuses.some((s) => s.status === 'error')).toBe(true);
        expect(statuses.some((s) => s.previous === 'error' && s.status === 'idle')).toBe(true);

        const presence = on(/^swarm\.alpha\.presence$/).map(
          (entry) => entry.data as { agentId: string; event: string },
        );
        const leftAt = presence.findIndex((p) => p.event === 'left');
        expect(leftAt).toBeGreaterThanOrEqual(0);
        const left = presence[leftAt]!.agentId;
        expect(presence.slice(leftAt).some((p) => p.agentId === left && p.event === 'joined')).toBe(
          true,
        );

        // A failed task is assigned again and finishes in the end.
        const failed = new Set(
          on(/^task\.[^.]+\.failed$/).map((entry) => (entry.data as { taskId: string }).taskId),
        );
        const completed = on(/^task\.[^.]+\.completed$/).map(
          (entry) => (entry.data as { taskId: string }).taskId,
        );
        expect(completed.some((taskId) => failed.has(taskId))).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(hub.simulation.coordinator.stats.failedAttempts).toBeGreaterThan(0);
  });
});
