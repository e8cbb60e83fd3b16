import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { createRedis } from './redis';

/** Redis's `maxmemory-policy` as INFO reports it (INFO works where managed services disable CONFIG). */
export async function evictionPolicy(redis: Redis): Promise<string | null> {
  const info = await redis.info('memory');
  const line = info.split(/\r?\n/).find((l) => l.startsWith('maxmemory_policy:'));
  return line ? line.slice('maxmemory_policy:'.length).trim() : null;
}

/** The problem with this Redis for BullMQ, in words an operator can act on; null when there is none. */
export function evictionProblem(policy: string | null): string | null {
  if (policy === 'noeviction') return null;
  const what = policy ? `maxmemory-policy is ${policy}` : 'its maxmemory-policy could not be read';
  return (
    `Redis ${what}: under memory pressure Redis would silently evict queued jobs (sync tasks would ` +
    `wait until the repair pass rebuilds them). Set maxmemory-policy noeviction (redis.conf, or the ` +
    `parameter group of a managed Redis).`
  );
}

/**
 * Checks the eviction policy at start: a warning outside production, an error in production (the
 * process must not start). Returns the warning, if any, for the caller to log.
 */
export async function checkEvictionPolicy(redis: Redis, nodeEnv: string): Promise<string | null> {
  const problem = evictionProblem(await evictionPolicy(redis));
  if (problem && nodeEnv === 'production') throw new Error(`Refusing to start: ${problem}`);
  return problem;
}

/** At start of every process that uses the queues: the eviction-policy check, logged loudly. */
@Injectable()
export class RedisPolicyCheck implements OnModuleInit {
  private readonly logger = new Logger('redis');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    // One try, no reconnects: a Redis that is down now is readiness's business, not a reason not to start.
    const redis = createRedis(this.config, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 5000,
    });
    redis.on('error', () => undefined);
    let warning: string | null;
    try {
      warning = await checkEvictionPolicy(redis, this.config.NODE_ENV);
    } catch (err) {
      if ((err as Error).message.startsWith('Refusing')) throw err;
      warning = `could not check Redis's maxmemory-policy at start (${(err as Error).message})`;
    } finally {
      redis.disconnect();
    }
    if (warning) this.logger.warn({ component: 'redis' }, `IMPORTANT: ${warning}`);
  }
}
