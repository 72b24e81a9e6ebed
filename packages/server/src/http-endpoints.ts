import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HealthReport {
  status: 'ok' | 'shutting-down';
  name: string;
  connections: number;
  uptimeSeconds: number;
}

export interface StatsReport {
  connections: number;
  subscriptions: number;
  topics: number;
  messagesIn: number;
  messagesOut: number;
  published: number;
  delivered: number;
  dropped: number;
  /** Connections not being read because the hub's writes are behind (see InboundThrottle). */
  pausedReads: number;
  /** Times a connection's reads were paused that way since the start. */
  readPauses: number;
  /** TCP connections not upgraded yet (they count against the connection limits). */
  pendingUpgrades: number;
}

export interface EndpointSource {
  health(): HealthReport;
  stats(): StatsReport;
  /** Set when metrics are on (else `/metrics` is not answered: a 404 on the hub's server). */
  readonly metricsRegistry: unknown;
  /** The Prometheus exposition. */
  metrics(): Promise<{ contentType: string; body: string }> | undefined;
}

/**
 * Answers `GET /health`, `GET /stats` and, with metrics on, `GET /metrics`; returns false
 * for any other request.
 */
export function handleHttpEndpoint(
  source: EndpointSource,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const path = (request.url ?? '/').split('?')[0];
  const metrics = path === '/metrics' && source.metricsRegistry !== undefined;
  if (path !== '/health' && path !== '/stats' && !metrics) return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
    response.end(JSON.stringify({ code: 'METHOD_NOT_ALLOWED', message: 'Use GET' }));
    return true;
  }
  const exposition = metrics ? source.metrics() : undefined;
  if (exposition !== undefined) {
    exposition.then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'INTERNAL_ERROR', message: String(error) }));
      },
    );
    return true;
  }
  const report = path === '/health' ? source.health() : source.stats();
  const status =
    path === '/health' && report && (report as HealthReport).status !== 'ok' ? 503 : 200;
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : JSON.stringify(report));
  return true;
}
