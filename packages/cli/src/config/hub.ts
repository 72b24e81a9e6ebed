import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { RedisEngine } from '@switchboard/redis';
import {
  type Authenticate,
  jwtAuthenticator,
  type Principal,
  WSRouter,
  type WSRouterOptions,
  WSServer,
} from '@switchboard/server';
import { type Logger, pino } from 'pino';
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
 * Combinations the schema cannot refuse by itself. Refused, never resolved by a silent
 * choice: a hub that dropped the credential check someone configured is a security hole.
 */
function refuseConflicts(config: HubConfig): void {
  const problems: string[] = [];
  const { jwt } = config.auth;
  if (config.auth.tokens !== undefined && jwt !== undefined) {
    problems.push(
      'config.auth.jwt: conflicts with auth.tokens (a hub checks one kind of credential); drop one of them',
    );
  }
  if (jwt !== undefined && config.auth.allowAnonymous) {
    problems.push(
      'config.auth.allowAnonymous: conflicts with auth.jwt (a hub with JWT asks every client for one); drop one of them',
    );
  }
  if (jwt !== undefined) {
    const keys = (['secret', 'publicKey', 'jwksUrl'] as const).filter((k) => jwt[k] !== undefined);
    if (keys.length !== 1) {
      problems.push(
        `config.auth.jwt: needs exactly one of secret, publicKey and jwksUrl${keys.length > 1 ? `, got ${keys.join(' and ')}` : ''}`,
      );
    }
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
function tokenAuthenticator(tokens: NonNullable<HubConfig['auth']['tokens']>): Authenticate {
  const digest = (token: string) => createHash('sha256').update(token).digest('base64');
  const principals = new Map<string, Principal>();
  for (const { token, ...principal } of tokens) principals.set(digest(token), principal);
  return (token) => {
    const principal = principals.get(digest(token));
    return principal === undefined ? false : { ...principal };
  };
}

/**
 * `authenticationOf`, and the admin token on top (the admin page's connection: it may read
 * anything and publish nothing). Without tokens or JWT clients are anonymous, the page too.
 */
function authenticationWithAdmin(
  auth: HubConfig['auth'],
  admin: AdminAccess | undefined,
): { authenticate?: Authenticate } {
  const { authenticate } = authenticationOf(auth);
  if (authenticate === undefined || admin === undefined)
    return authenticate ? { authenticate } : {};
  return {
    authenticate: (token, metadata) =>
      admin.matches(token)
        ? (structuredClone(ADMIN_PRINCIPAL) as Principal)
        : authenticate(token, metadata),
  };
}

/** `authenticate` for the config's static tokens or JWT settings (none: anonymous). */
function authenticationOf(auth: HubConfig['auth']): { authenticate?: Authenticate } {
  if (auth.tokens) return { authenticate: tokenAuthenticator(auth.tokens) };
  const { jwt } = auth;
  if (jwt === undefined) return {};
  const { publicKey, ...rest } = jwt;
  try {
    return {
      authenticate: jwtAuthenticator({
        ...rest,
        // Inline PEM text, or the path of a PEM file (as tls.cert and tls.key).
        ...(publicKey === undefined
          ? {}
          : {
              publicKey: publicKey.startsWith('-----BEGIN')
                ? publicKey
                : readPem('auth.jwt.publicKey', publicKey),
            }),
      }),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // jwtAuthenticator's TypeError names the option (`jwtAuthenticator "secret" ...`).
    throw new ConfigError([`config.auth.jwt: ${(error as Error).message}`]);
  }
}

/** The engine the config names; the history bounds go to it (or to the default memory engine). */
function engineOf(
  engine: HubConfig['engine'],
  history: HubConfig['history'],
  logger: Logger,
): Pick<WSRouterOptions, 'engine' | 'history'> {
  if (engine.type === 'memory') return { history };
  return {
    engine: new RedisEngine({
      url: engine.url,
      keyPrefix: engine.keyPrefix,
      ...history,
      // Gaps, epoch changes, stalls and connection trouble, once per outage.
      onError: (error) => logger.error({ event: 'engine-error', err: error }, 'engine error'),
    }),
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
  refuseConflicts(config);
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
  // JSON lines on stderr: stdout carries what the command prints (the URL it listens on).
  const logger = pino({ name: config.name, level: config.log.level }, pino.destination(2));
  let server: WSServer;
  let router: WSRouter;
  try {
    server = new WSServer({
      ...(https ? { server: https } : { port: config.port, host: config.host }),
      ...(config.path ? { path: config.path } : {}),
      ...authenticationWithAdmin(auth, admin),
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
      metrics: config.metrics,
      logger,
    });
    router = new WSRouter(server, {
      queueSize: limits.queueSize,
      queueBytes: limits.queueBytes,
      slowConsumerPolicy: limits.slowConsumerPolicy,
      maxReplay: limits.maxReplay,
      maxSubscriptionsPerClient: limits.maxSubscriptionsPerClient,
      ...engineOf(config.engine, history, logger),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
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
