import { REDIS_URL } from '@switchboard/test-utils/redis';
import Redis from 'ioredis';
import { logKeys } from '../../src/scripts.ts';

export {
  describeWithRedis,
  describeWithRedisServer,
  probeRedis,
  probeRedisServer,
  REDIS_URL,
  type RedisProbe,
  testPrefix,
} from '@switchboard/test-utils/redis';

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
