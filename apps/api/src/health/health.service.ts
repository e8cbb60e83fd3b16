import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { checkReadiness, type Readiness } from '@tally/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService } from '@tally/db';
import { RedisProbe } from '@tally/jobs';

export type { Readiness };

/** Liveness and readiness: ready means Postgres and Redis answer and the process is not draining. */
@Injectable()
export class HealthService implements BeforeApplicationShutdown, OnModuleDestroy {
  private draining = false;
  private readonly redis: RedisProbe;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new RedisProbe(config);
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  async readiness(): Promise<Readiness> {
    const result = await checkReadiness({
      postgres: () => this.prisma.$queryRaw`SELECT 1`,
      redis: () => this.redis.ping(),
    });
    if (this.draining) {
      result.checks.shutdown = { ok: false, error: 'the process is shutting down' };
      result.ready = false;
    }
    return result;
  }

  onModuleDestroy(): void {
    this.redis.close();
  }
}
