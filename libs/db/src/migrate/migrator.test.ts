import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createMigratedDatabase, dropDatabase, TEST_PG_SERVER, uniqueName } from '@tally/testing';
import { describeDatabase, detectDrift } from './drift';
import { migrate, MIGRATIONS_DIR } from './migrator';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

async function emptyDatabase(): Promise<{ name: string; url: string }> {
  const name = uniqueName('tally_mig');
  await query(`${TEST_PG_SERVER}/postgres`, `CREATE DATABASE "${name}"`);
  return { name, url: `${TEST_PG_SERVER}/${name}` };
}

const tableNames = (url: string) =>
  query<{ t: string }>(
    url,
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
  ).then((r) => r.map((x) => x.t));

describe('migration runner', () => {
  const made: string[] = [];
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
  });
  after(async () => {
    for (const name of made) await dropDatabase(name);
  });

  it('applies every migration once, records it like Prisma, and is idempotent', async () => {
    const db = await emptyDatabase();
    made.push(db.name);
    const first = await migrate(db.url);
    assert.ok(first.applied.length >= 1);
    const second = await migrate(db.url);
    assert.deepEqual(second.applied, []);
    assert.equal(second.alreadyApplied.length, first.applied.length);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(db.url, 'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations');
    assert.equal(rows.length, first.applied.length);
    for (const r of rows) {
      assert.match(r.checksum, /^[0-9a-f]{64}$/);
      assert.ok(r.finished_at);
      assert.equal(r.applied_steps_count, 1);
    }
  });

  it('leaves the database unchanged when a migration fails, and stops there', async () => {
    const db = await emptyDatabase();
    made.push(db.name);
    await migrate(db.url, dir);
    const before = await tableNames(db.url);
    const bad = join(dir, '99990101000000_broken');
    await mkdir(bad);
    await writeFile(
      join(bad, 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
    );
    await assert.rejects(
      migrate(db.url, dir),
      /99990101000000_broken failed and was rolled back: .*no_such_table/,
    );
    assert.deepEqual(await tableNames(db.url), before, 'the failed migration must leave no table behind');
    const [row] = await query<{ finished_at: Date | null; rolled_back_at: Date | null; logs: string }>(
      db.url,
      `SELECT finished_at, rolled_back_at, logs FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'`,
    );
    assert.equal(row.finished_at, null);
    assert.ok(row.rolled_back_at);
    assert.match(row.logs, /no_such_table/);
  });

  it('refuses to continue after an applied migration was edited', async () => {
    const db = await emptyDatabase();
    made.push(db.name);
    const edited = await mkdtemp(join(tmpdir(), 'tally-edited-'));
    await cp(MIGRATIONS_DIR, edited, { recursive: true });
    await migrate(db.url, edited);
    const [first] = (await import('node:fs'))
      .readdirSync(edited)
      .filter((n) => /^\d/.test(n))
      .sort();
    await writeFile(join(edited, first, 'migration.sql'), '-- edited\nSELECT 1;\n');
    await assert.rejects(migrate(db.url, edited), /was edited after it was applied/);
  });

  it('refuses to continue after a migration failed outside this runner and was not resolved', async () => {
    const db = await emptyDatabase();
    made.push(db.name);
    await migrate(db.url);
    await query(
      db.url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ('x', 'y', '20990101000000_crashed', now())`,
    );
    await assert.rejects(migrate(db.url), /20990101000000_crashed failed earlier and was not resolved/);
  });
});

describe('schema drift', () => {
  const made: string[] = [];
  let migrated: { name: string; url: string };
  before(async () => {
    migrated = await createMigratedDatabase(uniqueName('tally_drift'));
    made.push(migrated.name);
  });
  after(async () => {
    for (const name of made) await dropDatabase(name);
  });
  async function scratch(): Promise<string> {
    const db = await emptyDatabase();
    made.push(db.name);
    return db.url;
  }

  it('the migrated database is exactly what schema.prisma describes', async () => {
    const drift = await detectDrift(migrated.url, await scratch());
    assert.deepEqual(drift, { onlyInDatabase: [], onlyInSchema: [] });
    const described = await describeDatabase(migrated.url);
    assert.ok(described.some((l) => l.startsWith('index CREATE INDEX resources_tags_idx')));
    assert.ok(
      described.some((l) => l.startsWith('index CREATE INDEX resources_search_idx')),
      'the expression index of schema-extras.sql is compared too',
    );
  });

  it('notices a column, an index, a unique and a nullability change made behind Prisma’s back', async () => {
    await query(migrated.url, 'ALTER TABLE tenants ADD COLUMN stray text');
    await query(migrated.url, 'DROP INDEX resources_tenant_id_type_id_idx');
    await query(migrated.url, 'DROP INDEX accounts_connection_id_account_id_key');
    await query(migrated.url, 'ALTER TABLE connections ALTER COLUMN name DROP NOT NULL');
    await query(migrated.url, 'DROP INDEX resources_search_idx');
    const drift = await detectDrift(migrated.url, await scratch());
    assert.ok(
      drift.onlyInSchema.some((l) => l.includes('resources_search_idx')),
      'a schema-extras index',
    );
    assert.ok(
      drift.onlyInDatabase.some((l) => l.startsWith('column tenants.stray text')),
      drift.onlyInDatabase.join('\n'),
    );
    assert.ok(drift.onlyInSchema.some((l) => l.includes('resources_tenant_id_type_id_idx')));
    assert.ok(
      drift.onlyInSchema.some((l) => l.includes('UNIQUE INDEX accounts_connection_id_account_id_key')),
    );
    assert.ok(
      drift.onlyInSchema.some((l) => l === 'column connections.name character varying(200) not null'),
    );
    assert.ok(drift.onlyInDatabase.some((l) => l === 'column connections.name character varying(200) null'));
  });
});
