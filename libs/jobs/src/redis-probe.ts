import type { AppConfig } from '@tally/config';
import { createRedis } from './redis';

/**
 * A dedicated Redis connection for readiness checks that fails fast (no offline queue, one retry):
 * /readyz must answer "redis down" while Redis is down, not hang with the queues' connection.
 */
export class RedisProbe {
  private readonly redis;

  constructor(config: Pick<AppConfig, 'REDIS_URL'>) {
    this.redis = createRedis(config, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.ping();
  }

  close(): void {
    this.redis.disconnect();
  }
}
