import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { checkReadiness, type Readiness } from '@tally/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService } from '@tally/db';
import { RedisProbe } from '@tally/jobs';

export type { Readiness };

/** Liveness and readiness: ready means Postgres and Redis answer and the process is not draining. */
@Injectable()
export class HealthService implements OnApplicationShutdown {
  /** Set when the api starts draining (ApiDrain): /readyz answers 503 from then on. */
  draining = false;
  private readonly redis: RedisProbe;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = new RedisProbe(config);
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

  /** After the listener closed: in-flight requests may still have needed Redis until then. */
  onApplicationShutdown(): void {
    this.redis.close();
  }
}
