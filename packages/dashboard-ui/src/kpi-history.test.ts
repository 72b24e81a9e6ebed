import type { KpiSnapshot } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { KpiHistory } from './kpi-history.ts';

function snapshot(at: number, overrides: Partial<KpiSnapshot> = {}): KpiSnapshot {
  return {
    node: 'hub-a',
    at,
    intervalMs: 5_000,
    uptimeSeconds: 10,
    connections: 3,
    principals: 2,
    subscriptions: 4,
    topics: 5,
    published: 100,
    delivered: 200,
    dropped: 0,
    publishesPerSecond: 2,
    deliveriesPerSecond: 4,
    dropsPerSecond: 0,
    busiestPrefixes: [{ prefix: 'agent.ada', perSecond: 1.5 }],
    active_sessions: 3,
    active_agents: 2,
    actions_per_minute: 120,
    ...overrides,
  };
}

describe('KpiHistory', () => {
  it('keeps snapshots per node within the window, oldest first, and refuses replays', () => {
    const history = new KpiHistory({ windowMs: 20_000 });
    for (const at of [0, 5_000, 10_000, 15_000, 20_000, 25_000]) {
      expect(history.add(snapshot(at, { connections: at / 1_000 }))).toBe(true);
    }
    expect(history.add(snapshot(25_000))).toBe(false); // the same one again (a replay)
    expect(history.series('connections').map((point) => point.value)).toEqual([5, 10, 15, 20, 25]);
    expect(history.latest?.at).toBe(25_000);
    history.add(snapshot(26_000, { node: 'hub-b', connections: 99 }));
    expect(history.nodes).toEqual(['hub-a', 'hub-b']);
    expect(history.series('connections', 'hub-a')).toHaveLength(5);
    expect(history.series('connections')).toEqual([{ at: 26_000, value: 99 }]);
  });

  it('refuses what is not a KPI snapshot', () => {
    const history = new KpiHistory();
    expect(history.add({ active_agents: 3 })).toBe(false);
    expect(history.add(null)).toBe(false);
    expect(history.add(snapshot(1, { connections: -1 }))).toBe(false);
    expect(history.latest).toBeUndefined();
  });

  it('is stale three intervals after the latest snapshot', () => {
    const history = new KpiHistory();
    expect(history.isStale(0)).toBe(true);
    history.add(snapshot(1_000));
    expect(history.isStale(15_000)).toBe(false);
    expect(history.isStale(16_001)).toBe(true);
    history.clear();
    expect(history.latest).toBeUndefined();
  });
});
