import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { createRedis, queuePrefix } from '@tally/jobs';

const WINDOW_MS = 60_000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends (what Retry-After says when refused). */
  resetSeconds: number;
}

/**
 * Per-key rate limit: a fixed one-minute window counted in Redis (INCR + PEXPIRE under the run's
 * key prefix), so every api replica shares the count. If Redis is unreachable the request is
 * allowed: the limiter protects capacity, it must not take the API down with it.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis;
  private readonly prefix: string;
  readonly limit: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limit = config.RATE_LIMIT_PER_MINUTE;
    this.prefix = `${queuePrefix(config)}:ratelimit`;
    this.redis = createRedis(config, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1000 });
    this.redis.on('error', () => undefined);
  }

  /** Counts one request for the key and says whether it may proceed. */
  async consume(keyId: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    try {
      const key = `${this.prefix}:${keyId}:${window}`;
      const [[, count]] = (await this.redis
        .multi()
        .incr(key)
        .pexpire(key, WINDOW_MS + 1000)
        .exec()) as [[unknown, number]];
      return {
        allowed: count <= this.limit,
        limit: this.limit,
        remaining: Math.max(0, this.limit - count),
        resetSeconds,
      };
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'rate limiter unavailable; allowing the request');
      return { allowed: true, limit: this.limit, remaining: this.limit, resetSeconds };
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
