import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfigOrExit } from '@tally/config';
import { MIGRATIONS_DIR } from './migrator';
import { diffDatamodels, SCHEMA_PATH } from './schema-engine';

/** The schema as of the newest migration; the next migration is the difference to schema.prisma. */
const SNAPSHOT = join(MIGRATIONS_DIR, 'schema-at-last-migration.prisma');

/**
 * `npm run db:new-migration -- <name>` writes prisma/migrations/<timestamp>_<name>/migration.sql with
 * the SQL from the last migration's schema to schema.prisma (Prisma's engine, offline), then updates
 * the snapshot. The drift test proves the migrations still produce exactly schema.prisma.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    process.stderr.write('usage: npm run db:new-migration -- <name in snake_case>\n');
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const sql = await diffDatamodels(
    config.DATABASE_URL,
    await readFile(SNAPSHOT, 'utf8'),
    await readFile(SCHEMA_PATH, 'utf8'),
  );
  if (!sql) {
    process.stdout.write('schema.prisma and the migrations agree: nothing to write\n');
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir);
  await writeFile(join(dir, 'migration.sql'), `${sql}\n`);
  await copyFile(SCHEMA_PATH, SNAPSHOT);
  process.stdout.write(`wrote ${dir}/migration.sql\n`);
  process.exit(0);
}

void main();
