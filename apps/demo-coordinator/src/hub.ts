import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '@switchboard/router';
import { WSRouter, WSServer } from '@switchboard/server';
import { ActivityMonitor } from './activity.ts';
import { createAuthenticator, createTokens, type DemoTokens } from './auth.ts';
import { createHubChannels } from './channels/index.ts';
import { createRequestHandler, HUB_PATH, rejectOtherUpgrades } from './dashboard/routes.ts';
import { createTerminalLog, type DemoLog } from './log.ts';
import { seededRandom } from './random.ts';
import { randomSeed, SEED_ENV } from './seed.ts';
import { Simulation } from './simulation.ts';

export interface DemoHubOptions {
  /** Port for the hub and the dashboard; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** When `port` is taken, listen on a free port instead of failing. @default false */
  portFallback?: boolean;
  /** Simulated agents, each on its own connection. @default 5 */
  agents?: number;
  /** Length of one simulation step. @default 500 */
  tickMs?: number;
  /** Seed of the simulation's random choices; printed at start. @default random */
  seed?: number;
  /** Interval of the hub's KPI snapshots on `$metrics` (WSServer option). @default 5000 */
  metricsIntervalMs?: number;
  /** Chance per tick that a running task crashes. @default 0.02 */
  failureRate?: number;
  /** Chance per tick that an idle agent leaves for a while. @default 0.02 */
  leaveRate?: number;
  /** Ticks an agent that left stays away. @default 12 */
  awayTicks?: number;
  /** Ticks a crashed agent needs to recover. @default 6 */
  recoverTicks?: number;
  /** Tick of the first consensus round. @default 8 */
  firstRoundTick?: number;
  /** Ticks between consensus rounds. @default 60 */
  roundEveryTicks?: number;
  /** Ticks the agents get to vote. @default 8 */
  voteTicks?: number;
  /** Interval of the terminal's summary line, ms. @default 5000 */
  summaryMs?: number;
  /** Tokens to keep (a restart keeps the dashboard's, so an open page reconnects). */
  tokens?: Partial<DemoTokens>;
  /** @default 'alpha' */
  swarmId?: string;
  /** Terminal output. @default a log on stdout */
  log?: DemoLog;
  /**
   * Makes the hub's log engine, called once per start (a restart gets a new one): e.g. a
   * `RedisEngine`, so that several demo nodes on one Redis share one log.
   * @default the router's in-memory engine
   */
  engine?: () => Engine;
}

export interface DemoHub {
  /** The hub's WebSocket URL. */
  url: string;
  /** The HTTP origin serving the dashboard, `/health` and `/stats`. */
  httpUrl: string;
  /** The dashboard, with the read-only dashboard token in the query. */
  dashboardUrl: string;
  port: number;
  /** The simulation's seed: the same seed and options replay the same choices. */
  seed: number;
  tokens: DemoTokens;
  server: WSServer;
  router: WSRouter;
  simulation: Simulation;
  /** Agents leave, then the hub shuts down gracefully and the port is released. */
  close(): Promise<void>;
  /** Closes, then starts a new hub (a new log) on the same port with the same tokens. */
  restart(): Promise<DemoHub>;
}

const AGENT_NAMES = ['ada', 'babbage', 'curie', 'dijkstra', 'euler', 'fermat', 'gauss', 'hopper'];

export const DEMO_DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  portFallback: false,
  agents: 5,
  tickMs: 500,
  failureRate: 0.02,
  leaveRate: 0.02,
  awayTicks: 12,
  recoverTicks: 6,
  firstRoundTick: 8,
  roundEveryTicks: 60,
  voteTicks: 8,
  summaryMs: 5_000,
  swarmId: 'alpha',
} as const;

export function agentNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    i < AGENT_NAMES.length ? AGENT_NAMES[i]! : `agent-${i + 1}`,
  );
}

/** Starts the hub, its dashboard, the three channels and the simulation. */
export async function createDemoHub(options: DemoHubOptions = {}): Promise<DemoHub> {
  const o = { ...DEMO_DEFAULTS, ...definedOnly(options) };
  if (!Number.isInteger(o.agents) || o.agents < 1) {
    throw new TypeError(`createDemoHub: option "agents" must be an integer >= 1, got ${o.agents}`);
  }
  if (!(o.tickMs >= 5)) throw new TypeError('createDemoHub: option "tickMs" must be >= 5');
  const log = options.log ?? createTerminalLog();
  const agentIds = agentNames(o.agents);
  const tokens = createTokens(agentIds, options.tokens);
  const onError = (error: unknown) =>
    log.line('error', error instanceof Error ? error.message : String(error), 'bad');

  // One http.Server for the dashboard and the hub: same origin, one port to remember.
  const http = createServer();
  await listen(http, o.port, o.host, o.portFallback);
  const server = new WSServer({
    server: http,
    path: HUB_PATH,
    authenticate: createAuthenticator(tokens, { swarmId: o.swarmId }),
    name: 'switchboard-demo',
    shutdownTimeoutMs: 2_000,
    ...(options.metricsIntervalMs === undefined
      ? {}
      : { metricsIntervalMs: options.metricsIntervalMs }),
  });
  const engine = options.engine?.();
  const router = new WSRouter(server, engine === undefined ? {} : { engine });
  server.on('error', onError);
  router.on('error', onError);
  http.on('request', createRequestHandler(server, onError));
  http.on('upgrade', rejectOtherUpgrades);
  try {
    await server.start();
  } catch (error) {
    http.close();
    throw error;
  }

  const port = (http.address() as AddressInfo).port;
  const origin = `http://${displayHost(o.host)}:${port}`;
  const url = `ws://${displayHost(o.host)}:${port}${HUB_PATH}`;
  const dashboardUrl = `${origin}/?token=${encodeURIComponent(tokens.dashboard)}`;
  if (o.port !== 0 && port !== o.port) {
    log.line('hub', `port ${o.port} is taken, using ${port} instead`, 'warn');
  }
  log.line('hub', `Switchboard hub listening on ${url}`, 'accent');
  log.line('hub', `health: ${origin}/health  stats: ${origin}/stats`, 'dim');
  log.line('dashboard', `open ${dashboardUrl}`, 'accent');
  const seed = o.seed ?? randomSeed();
  log.line(
    'hub',
    `simulation seed ${seed} (replay it with ${SEED_ENV}=${seed} or --seed ${seed})`,
    'dim',
  );
  const channels = createHubChannels(router, server, { swarmId: o.swarmId, onError });
  const activity = new ActivityMonitor(router, server, log, o.summaryMs);
  const simulation = new Simulation({
    url,
    tokens,
    agentIds,
    swarmId: o.swarmId,
    channels,
    random: seededRandom(seed),
    tickMs: o.tickMs,
    failureRate: o.failureRate,
    leaveRate: o.leaveRate,
    awayTicks: o.awayTicks,
    recoverTicks: o.recoverTicks,
    firstRoundTick: o.firstRoundTick,
    roundEveryTicks: o.roundEveryTicks,
    voteTicks: o.voteTicks,
    onError,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      activity.stop();
      await simulation.stop().catch(onError);
      await server.shutdown();
      channels.close();
      await router.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        // Keep-alive sockets of browsers would hold the port for seconds.
        http.closeAllConnections();
      });
    })();
    return closing;
  };

  try {
    await simulation.start();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url,
    httpUrl: origin,
    dashboardUrl,
    port,
    seed,
    tokens,
    server,
    router,
    simulation,
    close,
    async restart() {
      await close();
      return createDemoHub({ ...options, port, portFallback: false, tokens, seed });
    },
  };
}

async function listen(http: Server, port: number, host: string, fallback: boolean): Promise<void> {
  try {
    await listenOnce(http, port, host);
  } catch (error) {
    if (!fallback || port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      throw error;
    }
    await listenOnce(http, 0, host);
  }
}

function listenOnce(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      resolve();
    });
  });
}

/** A host a browser can open: the wildcard addresses become localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
