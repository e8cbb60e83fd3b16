import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfigOrExit } from '@tally/config';
import { migrate, MIGRATIONS_DIR } from './migrator';
import { diffDatabaseToSchema } from './schema-engine';

/**
 * `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
 * the SQL that brings the existing migrations up to schema.prisma, computed on a scratch database.
 */
async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    process.stderr.write('usage: npm run db:new-migration -- <name in snake_case>\n');
    process.exit(2);
  }
  const config = loadConfigOrExit();
  const scratch = `tally_scratch_${Date.now()}`;
  const admin = new pg.Client({ connectionString: config.DATABASE_URL.replace(/\/[^/?]*(\?|$)/, '/postgres$1') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    const url = config.DATABASE_URL.replace(/\/[^/?]*(\?|$)/, `/${scratch}$1`);
    await migrate(url);
    const sql = await diffDatabaseToSchema(url);
    if (!sql) {
      process.stdout.write('schema.prisma and the migrations agree: nothing to write\n');
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(dir);
    await writeFile(join(dir, 'migration.sql'), `${sql}\n`);
    process.stdout.write(`wrote ${dir}/migration.sql\n`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
  process.exit(0);
}

void main();
