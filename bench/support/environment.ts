// A private database (migrated from scratch, dropped at the end) and Redis prefix per benchmark,
// like @tally/testing's environments, configured by the same zod schema as production.
import { parseConfig, type AppConfig } from '@tally/config';
import { createPrismaClient, type PrismaClient } from '@tally/db';
import { clearRedisPrefix, createMigratedDatabase, uniqueName, type TestDatabase } from '@tally/testing';

export { clearRedisPrefix };

export interface BenchEnvironment {
  config: AppConfig;
  db: TestDatabase;
  prisma: PrismaClient;
  /** The same settings with more variables (e.g. the sandbox's endpoints once it listens). */
  reconfigure(extra: Record<string, string>): AppConfig;
  /** The environment variables a child process (worker) needs to join this environment. */
  childEnv(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** Creates `tally_bench_*` (migrated) and a unique Redis prefix; `vars` are extra config variables. */
export async function createBenchEnvironment(
  name: string,
  vars: Record<string, string> = {},
): Promise<BenchEnvironment> {
  const db = await createMigratedDatabase(uniqueName(`tally_bench_${name}`));
  let base: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: uniqueName(`tally-bench-${name}`),
    SCHEDULER_ENABLED: 'false',
    ...vars,
  };
  const config = parseConfig(base);
  const prisma = createPrismaClient(db.url, 10);
  const env: BenchEnvironment = {
    config,
    db,
    prisma,
    reconfigure(extra) {
      base = { ...base, ...extra };
      env.config = parseConfig(base);
      return env.config;
    },
    childEnv: (extra = {}) => ({ ...base, ...extra }),
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      await clearRedisPrefix(env.config).catch(() => undefined);
      await db.drop();
    },
  };
  return env;
}
