import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { describe, it } from 'vitest';
import { logKeys } from '../../src/scripts.ts';

/** The Redis the tests run against. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisProbe {
  reachable: boolean;
  reason?: string;
}

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
  describeWith(name, `Redis not reachable at ${redact(REDIS_URL)}`, probe, body);
}

/** `describeWithRedis` for tests that start `redis-server` themselves. */
export function describeWithRedisServer(name: string, body: () => void): void {
  describeWith(name, 'redis-server cannot be started', probeRedisServer(), body);
}

function describeWith(name: string, what: string, probe: RedisProbe, body: () => void): void {
  if (probe.reachable) {
    describe(name, body);
    return;
  }
  const where = `${what} (${probe.reason})`;
  if (process.env.CI) {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(`${where}; CI must provide it`);
      });
    });
    return;
  }
  console.warn(`[skip] ${where}; ${name} skipped`);
  describe.skip(name, body);
}

function redact(url: string): string {
  return url.replace(/:[^:@/]*@/, ':***@');
}

/** A key prefix no other test uses. */
export function testPrefix(): string {
  return `sb-test-${randomUUID()}`;
}

/** Deletes every key of the logs of these prefixes, on the Redis at `url`. */
export async function deleteLogs(prefixes: Iterable<string>, url = REDIS_URL): Promise<void> {
  const keys = [...prefixes].flatMap((prefix) => logKeys(prefix));
  if (keys.length === 0) return;
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  try {
    await client.del(...keys);
  } finally {
    client.disconnect();
  }
}
