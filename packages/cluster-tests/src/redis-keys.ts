import Redis from 'ioredis';

/**
 * Deletes every key of one log: the engine names them `{keyPrefix}:...` (its README), all in
 * one hash slot.
 */
export async function deleteLog(redisUrl: string, keyPrefix: string): Promise<void> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    const keys = await client.keys(`{${keyPrefix}}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}
