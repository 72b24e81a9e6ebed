import { RedisEngine } from '@switchboard/redis';
import { bundleDashboard } from './dashboard/bundle.ts';
import { createDemoHub } from './hub.ts';
import { createTerminalLog } from './log.ts';
import { requestedSeed } from './seed.ts';

/**
 * `pnpm run demo`: a hub on 127.0.0.1 with simulated agents, a coordinator and a live
 * dashboard. PORT (default 7070; a taken port falls back to a free one), HOST, TICK_MS and
 * AGENTS tune it; the seed it prints replays a run (`--seed <n>` or SWITCHBOARD_DEMO_SEED).
 * SWITCHBOARD_REDIS_URL puts its log on Redis (key prefix SWITCHBOARD_REDIS_PREFIX, default
 * `switchboard-demo`), so several nodes share it. Ctrl-C stops it gracefully.
 */
const log = createTerminalLog();

function numberFromEnv(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    log.line('error', `${name}=${raw} is not a number`, 'bad');
    process.exit(2);
  }
  return value;
}

const redisUrl = process.env.SWITCHBOARD_REDIS_URL;
const keyPrefix = process.env.SWITCHBOARD_REDIS_PREFIX || 'switchboard-demo';
if (redisUrl)
  log.line('hub', `log on Redis ${redactUrl(redisUrl)}, key prefix ${keyPrefix}`, 'dim');
let seed: number | undefined;
try {
  seed = requestedSeed(process.argv.slice(2), process.env);
} catch (error) {
  log.line('error', (error as Error).message, 'bad');
  process.exit(2);
}

const hub = await createDemoHub({
  engine: redisUrl
    ? () =>
        new RedisEngine({
          url: redisUrl,
          keyPrefix,
          onError: (error) => log.line('error', `redis: ${(error as Error).message}`, 'bad'),
        })
    : undefined,
  port: numberFromEnv('PORT', 7070),
  host: process.env.HOST ?? '127.0.0.1',
  portFallback: true,
  tickMs: numberFromEnv('TICK_MS'),
  agents: numberFromEnv('AGENTS'),
  seed,
  log,
});

log.line('hub', 'Press Ctrl-C to stop.', 'dim');

// Bundle now rather than on the first page load, so a broken bundle shows up at once.
bundleDashboard().then(
  (bundle) =>
    log.line(
      'dashboard',
      `script bundled in ${bundle.ms} ms: ${kB(bundle.bytes)} (${kB(bundle.gzip.length)} gzipped)`,
      'dim',
    ),
  (error: unknown) =>
    log.line('error', `dashboard bundle failed: ${(error as Error).message}`, 'bad'),
);

// Ctrl-C reaches node and the package manager around it, which may pass it on again:
// a second signal within a second is the same Ctrl-C. A later one forces the exit.
const SAME_SIGNAL_MS = 1_000;
/** The URL without its password, for the terminal. */
function redactUrl(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}

function kB(bytes: number): string {
  return `${Math.round(bytes / 1024)} kB`;
}

let stoppingSince: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < SAME_SIGNAL_MS) return;
      log.line('hub', 'forced exit', 'warn');
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.line('hub', 'shutting down: agents leave, then the hub drains...', 'warn');
    hub.close().then(
      () => {
        log.line('hub', 'stopped', 'good');
        process.exit(0);
      },
      (error: unknown) => {
        log.line('error', `shutdown failed: ${(error as Error).message}`, 'bad');
        process.exit(1);
      },
    );
  });
}
