import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from '@tally/common';

/** Where the migrations live, in Prisma's own folder format. */
export const MIGRATIONS_DIR = join(repoRoot(), 'prisma', 'migrations');

// The lock id Prisma's own engine takes, so our runner and `prisma migrate deploy` never interleave.
const ADVISORY_LOCK_ID = 72707369;

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Reads `<dir>/<name>/migration.sql` in name order; the checksum is Prisma's (SHA-256 of the file). */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/**
 * Applies pending migrations the way `prisma migrate deploy` records them, without Prisma's native
 * engine: each in its own transaction, under Prisma's advisory lock. Refuses to run when a migration
 * failed earlier and was not resolved, when an applied migration was edited, or when the database
 * knows a migration the folder does not.
 */
export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const local = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_ID]);
    await client.query(CREATE_HISTORY_TABLE);
    const { rows } = await client.query<HistoryRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations" ORDER BY started_at',
    );
    checkHistory(local, rows);
    const done = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
    const result: MigrateResult = { applied: [], alreadyApplied: [...done] };
    for (const m of local.filter((l) => !done.has(l.name))) {
      await applyOne(client, m);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

function checkHistory(local: LocalMigration[], rows: HistoryRow[]): void {
  const byName = new Map(local.map((m) => [m.name, m]));
  for (const row of rows) {
    if (!row.finished_at && !row.rolled_back_at) {
      throw new MigrationError(
        `Migration ${row.migration_name} failed earlier and was not resolved. Fix the database, then mark it ` +
          `rolled back (prisma migrate resolve --rolled-back ${row.migration_name}). Its log: ${row.logs ?? '(none)'}`,
      );
    }
    if (row.rolled_back_at) continue;
    const mine = byName.get(row.migration_name);
    if (!mine) {
      throw new MigrationError(
        `The database has migration ${row.migration_name}, which is not in prisma/migrations: ` +
          'this code is older than the database.',
      );
    }
    if (mine.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.migration_name} was edited after it was applied (checksum differs). ` +
          'Restore the file and add a new migration for the change instead.',
      );
    }
  }
}

async function applyOne(client: pg.Client, m: LocalMigration): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(m.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [id, m.checksum, m.name],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    const reason = err instanceof Error ? err.message : String(err);
    // The transaction left the schema as it was; the attempt is recorded as rolled back, with its log.
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, rolled_back_at, logs, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), $4, 0)`,
      [id, m.checksum, m.name, reason],
    );
    throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${reason}`);
  }
}
