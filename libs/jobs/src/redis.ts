import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '@tally/config';

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers require;
 * the same options keep queues and readiness checks consistent.
 */
export function createRedis(config: Pick<AppConfig, 'REDIS_URL'>, options: RedisOptions = {}): Redis {
  return new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/** BullMQ's key prefix for this deployment (or test run). */
export function queuePrefix(config: Pick<AppConfig, 'REDIS_PREFIX'>): string {
  return config.REDIS_PREFIX;
}
