import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '@tally/db';

/** The server the tests use; CI and developers run PostgreSQL here (trust auth). */
export const TEST_PG_SERVER = process.env.TEST_PG_SERVER ?? 'postgresql://postgres@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A unique database name for this test run: parallel runs on one machine never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** Creates an empty database and migrates it (the test runner does this once, as the template). */
export async function createMigratedDatabase(name = uniqueName('tally_test_tpl')): Promise<TestDatabase> {
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = `${TEST_PG_SERVER}/${name}`;
  await migrate(url);
  return { url, name, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/**
 * A fresh, migrated database for one test file: a copy of the run's template when the test runner
 * made one (fast), else migrated from scratch (a file run on its own).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.TALLY_TEST_TEMPLATE_DB;
  if (!template) return createMigratedDatabase(uniqueName('tally_test'));
  const name = uniqueName('tally_test');
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return { url: `${TEST_PG_SERVER}/${name}`, name, drop: () => dropDatabase(name) };
}
