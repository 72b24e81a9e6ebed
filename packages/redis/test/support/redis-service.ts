import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describeWithService, REDIS_URL, type ServiceProbe } from '@switchboard/test-utils';
import Redis from 'ioredis';
import { logKeys } from '../../src/scripts.ts';

export { describeWithRedis, probeRedis, REDIS_URL } from '@switchboard/test-utils';

/** Is the `redis-server` binary there, for tests that run servers of their own? */
export function probeRedisServer(): ServiceProbe {
  const run = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (run.status === 0) return { reachable: true };
  return { reachable: false, reason: run.error?.message ?? `exit ${run.status}` };
}

/** `describeWithRedis` for tests that start `redis-server` themselves. */
export function describeWithRedisServer(name: string, body: () => void): void {
  describeWithService(name, 'redis-server cannot be started', probeRedisServer(), body);
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
