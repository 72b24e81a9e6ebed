import type { EngineHealthSummary } from '@switchboard/router';
import type { ConnectionTable } from './connection-table.ts';
import type { HealthReport, StatsReport } from './http-endpoints.ts';
import type { RouterStats } from './router-link.ts';

export interface HealthInput {
  shuttingDown: boolean;
  name: string;
  connections: number;
  startedAt: number;
  nodeId: string;
  /** The attached router's engine report, if it gives one. */
  engine: EngineHealthSummary | undefined;
}

/**
 * `/health`: `ok`, `shutting-down`, or `unhealthy` when the engine says this node no longer
 * receives the log (a Redis link down or wedged), with the reason and the engine's report.
 */
export function healthReport(input: HealthInput): HealthReport {
  const { engine } = input;
  const report: HealthReport = {
    status: input.shuttingDown ? 'shutting-down' : engine?.ok === false ? 'unhealthy' : 'ok',
    name: input.name,
    connections: input.connections,
    uptimeSeconds: Math.round((Date.now() - input.startedAt) / 1000),
    nodeId: input.nodeId,
  };
  if (engine !== undefined) report.engine = engine;
  if (engine?.ok === false) report.reason = `engine ${engine.state}`;
  return report;
}

export interface StatsInput {
  connections: ConnectionTable;
  router: RouterStats | undefined;
  pausedReads: number;
  readPauses: number;
  pendingUpgrades: number;
}

/** `/stats`: this node's counters (the router's part is zero until one attaches). */
export function statsReport(input: StatsInput): StatsReport {
  const { messagesIn, messagesOut } = input.connections.messageTotals();
  const { router } = input;
  return {
    connections: input.connections.size,
    subscriptions: router?.subscriptions ?? 0,
    topics: router?.topics ?? 0,
    messagesIn,
    messagesOut,
    published: router?.published ?? 0,
    delivered: router?.delivered ?? 0,
    dropped: router?.dropped ?? 0,
    pausedReads: input.pausedReads,
    readPauses: input.readPauses,
    pendingUpgrades: input.pendingUpgrades,
  };
}
