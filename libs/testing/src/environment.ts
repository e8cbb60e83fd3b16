import { parseConfig, type AppConfig } from '@tally/config';
import { createPrismaClient, type PrismaClient } from '@tally/db';
import { createTestDatabase, uniqueName, type TestDatabase } from './database';

export interface TestEnvironment {
  config: AppConfig;
  db: TestDatabase;
  prisma: PrismaClient;
  /** Closes the client and drops the database. */
  close(): Promise<void>;
}

/**
 * Everything one test file needs to run isolated: its own database and its own Redis key prefix.
 * `overrides` are environment variables, validated like production ones.
 */
export async function createTestEnvironment(
  overrides: Record<string, string> = {},
): Promise<TestEnvironment> {
  const db = await createTestDatabase();
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: uniqueName(process.env.TALLY_TEST_RUN_ID ?? 'tally-test'),
    SCHEDULER_ENABLED: 'false',
    LIVE_EVENTS_ENABLED: 'false',
    ...overrides,
  });
  const prisma = createPrismaClient(db.url, 5);
  return {
    config,
    db,
    prisma,
    async close() {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
