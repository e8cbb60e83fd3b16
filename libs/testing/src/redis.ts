import type { AppConfig } from '@tally/config';
import { createRedis } from '@tally/jobs';

/**
 * Deletes every Redis key under this environment's prefix (never others: test runs share one
 * Redis). Tests use it to play "Redis lost its data"; benchmarks to clean up.
 */
export async function clearRedisPrefix(
  config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX'>,
): Promise<number> {
  const redis = createRedis(config, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.REDIS_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
