import Redis from 'ioredis';
import { describe, it } from 'vitest';

/** The Redis the tests run against. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ServiceProbe {
  reachable: boolean;
  reason?: string;
}

/** One PING with no retries: is a Redis answering at `url`? */
export async function probeRedis(url = REDIS_URL): Promise<ServiceProbe> {
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

/**
 * `describe` when Redis answered. Without it the run fails in CI (`CI` set) and is skipped
 * with a `[skip]` notice elsewhere: never a silent pass.
 */
export function describeWithRedis(name: string, probe: ServiceProbe, body: () => void): void {
  describeWithService(name, `Redis not reachable at ${redactUrl(REDIS_URL)}`, probe, body);
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
