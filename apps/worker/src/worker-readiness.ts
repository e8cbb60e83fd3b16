import type { INestApplicationContext } from '@nestjs/common';
import { checkReadiness, readinessStatus } from '@tally/common';
import type { AppConfig } from '@tally/config';
import { PrismaService } from '@tally/db';
import { RedisProbe } from '@tally/jobs';
import type { Route } from './worker-http';

/**
 * The worker's /readyz: PostgreSQL and Redis answer and the process is not draining; otherwise 503
 * naming what is down (the same answer as the api's).
 */
export function workerReadiness(
  app: INestApplicationContext,
  config: AppConfig,
  draining: () => boolean,
): { route: Route; close(): void } {
  const prisma = app.get(PrismaService);
  const redis = new RedisProbe(config);
  const route: Route = async () => {
    const result = await checkReadiness({
      postgres: () => prisma.$queryRaw`SELECT 1`,
      redis: () => redis.ping(),
    });
    if (draining()) {
      result.checks.shutdown = { ok: false, error: 'the process is shutting down' };
      result.ready = false;
    }
    return {
      status: result.ready ? 200 : 503,
      type: 'application/json',
      body: JSON.stringify({ status: readinessStatus(result), checks: result.checks }),
    };
  };
  return { route, close: () => redis.close() };
}
