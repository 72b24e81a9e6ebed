/**
 * Redis for tests: the shared Redis at REDIS_URL (probed; a describe that fails in CI and is
 * skipped with a notice elsewhere when it is missing) and `redis-server` processes a test owns.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { describe, it } from 'vitest';

/** The Redis the tests run against. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ServiceProbe {
  reachable: boolean;
  reason?: string;
}

/** The probe of a Redis (the name the redis package's tests use). */
export type RedisProbe = ServiceProbe;

/** One PING with no retries: is a Redis answering at `url`? */
export async function probeRedis(url = REDIS_URL): Promise<RedisProbe> {
  const client = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return { reachable: true };
  } catch (error) {
    return { reachable: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    client.disconnect();
  }
}

/** Is the `redis-server` binary there, for tests that run servers of their own? */
export function probeRedisServer(): RedisProbe {
  const run = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (run.status === 0) return { reachable: true };
  return { reachable: false, reason: run.error?.message ?? `exit ${run.status}` };
}

/**
 * `describe` when Redis answered. Without it the run fails in CI (`CI` set) and is skipped
 * with a `[skip]` notice elsewhere: never a silent pass.
 */
export function describeWithRedis(name: string, probe: RedisProbe, body: () => void): void {
  describeWithService(name, `Redis not reachable at ${redactUrl(REDIS_URL)}`, probe, body);
}

/** `describeWithRedis` for tests that start `redis-server` themselves. */
export function describeWithRedisServer(name: string, body: () => void): void {
  describeWithService(name, 'redis-server cannot be started', probeRedisServer(), body);
}

/** `describe` when a service the tests need is there; fails in CI, skips with a notice elsewhere. */
export function describeWithService(
  name: string,
  what: string,
  probe: ServiceProbe,
  body: () => void,
): void {
  if (probe.reachable) {
    describe(name, body);
    return;
  }
  const where = `${what} (${probe.reason})`;
  if (process.env.CI) {
    describe(name, () => {
      it(`needs ${what.split(' ')[0]}`, () => {
        throw new Error(`${where}; CI must provide it`);
      });
    });
    return;
  }
  console.warn(`[skip] ${where}; ${name} skipped`);
  describe.skip(name, body);
}

/** A URL with its password blanked. */
export function redactUrl(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}

/** A key prefix no other test uses. */
export function testPrefix(): string {
  return `sb-test-${randomUUID()}`;
}

/** A free TCP port on loopback (bound and released; the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A `redis-server` this test owns, on a free port in a temp dir: it can be killed with
 * SIGKILL and started again on the same port and dir, as a crash and restart would.
 */
export class RedisProcess {
  readonly port: number;
  readonly dir: string;
  readonly #args: string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, dir: string, args: string[]) {
    this.port = port;
    this.dir = dir;
    this.#args = args;
  }

  /** Starts one; `args` are redis-server options such as `--appendonly yes`. */
  static async start(args: string[], port?: number): Promise<RedisProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'sb-redis-'));
    const server = new RedisProcess(port ?? (await freePort()), dir, args);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and resolves once it accepts connections. */
  restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir];
    const child = spawn('redis-server', [...args, ...this.#args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.resume();
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
  }

  /** SIGKILL: no shutdown save, no AOF rewrite; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the server and deletes its dir. */
  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
