import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Authenticate, type Principal, WSRouter, WSServer } from '@switchboard/server';
import { ADMIN_PRINCIPAL, AdminAccess } from '../admin/admin-access.ts';
import { ADMIN_PATH } from '../admin/admin-page.ts';
import { createAdminRoutes } from '../admin/admin-routes.ts';
import { httpEndpoint } from '../hub/endpoints.ts';
import { out } from '../output.ts';
import { ConfigError } from './load.ts';
import type { HubConfig } from './schema.ts';

/** A hub built from a config, not started yet. */
export interface Hub {
  readonly server: WSServer;
  readonly router: WSRouter;
  /** Listens (TLS first, when configured) and resolves with the URLs to print. */
  start(): Promise<{ url: string; health: string; admin?: string }>;
  /** Drains: clients are told to reconnect and closed with 1001; then the log is closed. */
  stop(): Promise<void>;
}

/**
 * Keys the schema has a place for but this build cannot honour. They are refused, never
 * ignored: a hub started without the JWT check or the shared engine someone configured
 * would be a silent security or durability hole.
 */
function refuseUnwired(config: HubConfig): void {
  const problems: string[] = [];
  if (config.engine.type !== 'memory') {
    problems.push(
      `config.engine.type: engine type '${config.engine.type}' needs @switchboard/redis, which is not available in this build; use "memory"`,
    );
  }
  if (config.auth.jwt !== undefined) {
    problems.push(
      "config.auth.jwt: JWT authentication needs the hub's JWT support, which is not available in this build; use auth.tokens",
    );
  }
  if (config.auth.tokens !== undefined && config.auth.allowAnonymous) {
    problems.push(
      'config.auth.allowAnonymous: conflicts with auth.tokens (a hub with tokens asks every client for one); drop one of them',
    );
  }
  const seen = new Set<string>();
  config.auth.tokens?.forEach((entry, i) => {
    if (seen.has(entry.token)) {
      problems.push(`config.auth.tokens.${i}.token: the same token is listed twice`);
    }
    seen.add(entry.token);
  });
  if (config.admin.enabled && config.admin.token === undefined) {
    problems.push(
      'config.admin.token: the admin page needs its own token: --admin-token, SWITCHBOARD_ADMIN_TOKEN or admin.token',
    );
  }
  if (config.admin.token !== undefined && seen.has(config.admin.token)) {
    problems.push('config.admin.token: is also a client token in auth.tokens; use a separate one');
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * `authenticate` over the static tokens. Tokens are looked up by their SHA-256, so the time
 * a lookup takes says nothing about how much of a guess matched.
 */
function tokenAuthenticator(
  tokens: NonNullable<HubConfig['auth']['tokens']>,
  admin: AdminAccess | undefined,
): Authenticate {
  const digest = (token: string) => createHash('sha256').update(token).digest('base64');
  const principals = new Map<string, Principal>();
  for (const { token, ...principal } of tokens) principals.set(digest(token), principal);
  return (token) => {
    // The admin page's connection: it may read anything and publish nothing.
    if (admin?.matches(token)) return structuredClone(ADMIN_PRINCIPAL) as Principal;
    const principal = principals.get(digest(token));
    return principal === undefined ? false : { ...principal };
  };
}

function readPem(field: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`config.${field}: cannot read ${file}: ${(error as Error).message}`]);
  }
}

function hostForUrl(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** Builds the WSServer and WSRouter a config describes (refusing what it cannot honour). */
export function createHub(config: HubConfig): Hub {
  refuseUnwired(config);
  const { auth, limits, history, tls } = config;
  const https: HttpsServer | undefined = tls
    ? createHttpsServer({
        cert: readPem('tls.cert', tls.cert),
        key: readPem('tls.key', tls.key),
        ...(tls.ca ? { ca: readPem('tls.ca', tls.ca) } : {}),
        ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
      })
    : undefined;
  const admin =
    config.admin.enabled && config.admin.token ? new AdminAccess(config.admin.token) : undefined;
  let adminRoutes: ReturnType<typeof createAdminRoutes> | undefined;
  let server: WSServer;
  let router: WSRouter;
  try {
    server = new WSServer({
      ...(https ? { server: https } : { port: config.port, host: config.host }),
      ...(config.path ? { path: config.path } : {}),
      ...(auth.tokens ? { authenticate: tokenAuthenticator(auth.tokens, admin) } : {}),
      allowAnonymous: auth.allowAnonymous,
      authTimeoutMs: auth.timeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      maxConnections: limits.maxConnections,
      maxPayload: limits.maxPayload,
      name: config.name,
      ...(limits.rateLimit ? { rateLimit: limits.rateLimit } : {}),
      metricsIntervalMs: config.kpi.intervalMs,
      ...(admin && !https
        ? { httpHandler: (request, response) => adminRoutes?.(request, response) ?? false }
        : {}),
    });
    router = new WSRouter(server, {
      queueSize: limits.queueSize,
      queueBytes: limits.queueBytes,
      slowConsumerPolicy: limits.slowConsumerPolicy,
      maxReplay: limits.maxReplay,
      maxSubscriptionsPerClient: limits.maxSubscriptionsPerClient,
      history: { historySize: history.historySize, historyTtlMs: history.historyTtlMs },
    });
  } catch (error) {
    // The packages check every value again; their TypeError names the option.
    throw new ConfigError([`config: ${(error as Error).message}`]);
  }
  if (admin) {
    adminRoutes = createAdminRoutes({
      server,
      access: admin,
      name: config.name,
      hubPath: config.path ?? '/',
      error: (error) => out.note(`admin page: ${error.message}`),
    });
  }
  if (https) {
    // WSServer serves /health and /stats only on servers it creates.
    https.on('request', (request, response) => {
      if (!server.handleHttpRequest(request, response) && !adminRoutes?.(request, response)) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'NOT_FOUND', message: 'Not found' }));
      }
    });
  }
  return {
    server,
    router,
    async start() {
      if (https) {
        await new Promise<void>((resolve, reject) => {
          https.once('error', reject);
          https.listen(config.port, config.host, () => {
            https.off('error', reject);
            resolve();
          });
        });
      }
      await server.start();
      const url = https
        ? `wss://${hostForUrl(https.address() as AddressInfo)}:${(https.address() as AddressInfo).port}${config.path ?? ''}`
        : server.url;
      const health = httpEndpoint(new URL(url), '/health');
      return {
        url,
        health: health.href,
        ...(admin ? { admin: new URL(ADMIN_PATH, health).href } : {}),
      };
    },
    async stop() {
      await server.shutdown();
      await router.close();
      if (https) {
        https.closeAllConnections();
        await new Promise<void>((resolve) => https.close(() => resolve()));
      }
    },
  };
}
