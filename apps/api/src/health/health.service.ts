import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService } from '@tally/db';
import { createRedis } from '@tally/jobs';

interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

/** Liveness and readiness: ready means Postgres and Redis answer and the process is not draining. */
@Injectable()
export class HealthService implements BeforeApplicationShutdown, OnModuleDestroy {
  private draining = false;
  // A dedicated connection that fails fast: readiness must answer even while Redis is down.
  private readonly redis;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = createRedis(config, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', () => undefined);
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([
      this.check(() => withTimeout(this.prisma.$queryRaw`SELECT 1`, 'PostgreSQL')),
      this.check(() => withTimeout(this.pingRedis(), 'Redis')),
    ]);
    const checks: Readiness['checks'] = { postgres, redis };
    if (this.draining) checks.shutdown = { ok: false, error: 'the process is shutting down' };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  private async pingRedis(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.ping();
  }

  private async check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      return { ok: false, error: (err as Error).message.split('\n')[0] };
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
