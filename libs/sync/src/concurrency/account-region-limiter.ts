import type { Redis } from 'ioredis';
import type { AppConfig } from '@tally/config';
import { createRedis, queuePrefix } from '@tally/jobs';

// A counting semaphore per (account, region) in Redis: a sorted set of holders scored by lease
// expiry (Redis clock), so a crashed worker's slot frees itself when its lease lapses.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  return 1
end
return 0`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0`;

/** A held slot: renewed in the background until released. */
export interface LimiterLease {
  release(): Promise<void>;
}

/** Caps concurrent sync tasks per (account, region) across every worker process. */
export class AccountRegionLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly leaseMs = 60_000,
  ) {}

  /** A limiter with its own Redis connection, capped at SYNC_ACCOUNT_REGION_CONCURRENCY. */
  static fromConfig(config: AppConfig): AccountRegionLimiter {
    const limiter = new AccountRegionLimiter(
      createRedis(config),
      queuePrefix(config),
      config.SYNC_ACCOUNT_REGION_CONCURRENCY,
      config.SYNC_LOCK_DURATION_MS,
    );
    limiter.ownsConnection = true;
    return limiter;
  }

  private ownsConnection = false;

  /** Nest's last shutdown phase (after active jobs): closes the connection it created. */
  async onApplicationShutdown(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Takes a slot for `holder` (idempotent per holder), or returns null when all are taken. */
  async tryAcquire(accountId: string, region: string, holder: string): Promise<LimiterLease | null> {
    const key = this.key(accountId, region);
    const ok = await this.redis.eval(ACQUIRE, 1, key, holder, String(this.limit), String(this.leaseMs));
    if (ok !== 1) return null;
    const timer = setInterval(
      () => {
        this.redis.eval(RENEW, 1, key, holder, String(this.leaseMs)).catch(() => undefined);
      },
      Math.floor(this.leaseMs / 3),
    );
    timer.unref();
    return {
      release: async () => {
        clearInterval(timer);
        await this.redis.zrem(key, holder);
      },
    };
  }

  /** Holders right now (for tests and diagnostics). */
  async holders(accountId: string, region: string): Promise<string[]> {
    return this.redis.zrange(this.key(accountId, region), '0', '-1');
  }

  private key(accountId: string, region: string): string {
    return `${this.prefix}:sync:slots:${accountId}:${region}`;
  }
}
