import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from '@tally/common';
import { diffFromEmpty } from './schema-engine';

/** What schema.prisma cannot express (expression indexes), as SQL run after the schema's own. */
const SCHEMA_EXTRAS_PATH = join(repoRoot(), 'prisma', 'schema-extras.sql');

/**
 * What a database's schema consists of, as sorted lines: enums, columns (type, nullability,
 * default), constraints and indexes of the public schema, Prisma's history table excepted.
 */
export async function describeDatabase(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const queries = [
      `SELECT 'enum ' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')' AS line
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' GROUP BY t.typname`,
      `SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END
              || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relname <> '_prisma_migrations'`,
      `SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS line
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'`,
      `SELECT 'index ' || indexdef AS line FROM pg_indexes
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    ];
    const lines: string[] = [];
    for (const q of queries) lines.push(...(await client.query<{ line: string }>(q)).rows.map((r) => r.line));
    return lines.sort();
  } finally {
    await client.end();
  }
}

export interface Drift {
  /** In the migrated database, not in what schema.prisma creates. */
  onlyInDatabase: string[];
  /** In what schema.prisma creates, missing from the migrated database. */
  onlyInSchema: string[];
}

/**
 * Compares a migrated database with what schema.prisma and schema-extras.sql create from nothing
 * (the schema's SQL computed by Prisma's schema engine, then the extras, applied to `scratchUrl`, an
 * empty database). No drift: both lists empty.
 */
export async function detectDrift(migratedUrl: string, scratchUrl: string): Promise<Drift> {
  const sql = await diffFromEmpty(scratchUrl);
  const client = new pg.Client({ connectionString: scratchUrl });
  await client.connect();
  try {
    await client.query(sql);
    await client.query(await readFile(SCHEMA_EXTRAS_PATH, 'utf8'));
  } finally {
    await client.end();
  }
  const [migrated, fromSchema] = await Promise.all([
    describeDatabase(migratedUrl),
    describeDatabase(scratchUrl),
  ]);
  const schemaSet = new Set(fromSchema);
  const dbSet = new Set(migrated);
  return {
    onlyInDatabase: migrated.filter((l) => !schemaSet.has(l)),
    onlyInSchema: fromSchema.filter((l) => !dbSet.has(l)),
  };
}
