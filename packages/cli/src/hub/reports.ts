import type { HealthReport, StatsReport } from '@switchboard/server';
import { httpEndpoint } from './endpoints.ts';
import { getJson } from './http-json.ts';
import type { TlsTrust } from './tls-trust.ts';

export type { HealthReport, StatsReport };

export interface HubReports {
  health: HealthReport;
  /** HTTP status of `/health`: 200, or 503 while the hub drains. */
  healthStatus: number;
  stats?: StatsReport;
  /** Round trip of each request, ms. */
  elapsedMs: { health: number; stats?: number };
  urls: { health: string; stats: string };
}

/** Reads a hub's `/health` (and `/stats`) in parallel. */
export async function readReports(
  url: URL,
  trust: TlsTrust,
  timeoutMs: number,
  options: { stats: boolean },
): Promise<HubReports> {
  const healthUrl = httpEndpoint(url, '/health');
  const statsUrl = httpEndpoint(url, '/stats');
  const [health, stats] = await Promise.all([
    getJson<HealthReport>(healthUrl, trust, timeoutMs),
    options.stats ? getJson<StatsReport>(statsUrl, trust, timeoutMs) : undefined,
  ]);
  return {
    health: health.body,
    healthStatus: health.status,
    ...(stats ? { stats: stats.body } : {}),
    elapsedMs: { health: health.elapsedMs, ...(stats ? { stats: stats.elapsedMs } : {}) },
    urls: { health: healthUrl.href, stats: statsUrl.href },
  };
}
