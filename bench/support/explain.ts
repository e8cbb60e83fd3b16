// EXPLAIN (ANALYZE, BUFFERS) of the exact statement product code sends: run the code once with a
// Prisma client that reports its queries, then explain the captured SQL with its parameters inside
// a transaction that is rolled back (so an explained write changes nothing).
import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import { PrismaClient } from '@tally/db';

/** What explainCaptured answers when `use` sent no statement matching its pattern. */
export const NOT_CAPTURED = '(statement not captured)';

/** Runs `use` with a query-logging client and explains the last statement matching `pattern`. */
export async function explainCaptured(
  url: string,
  pool: Pool,
  pattern: RegExp,
  use: (prisma: PrismaClient) => Promise<unknown>,
): Promise<string> {
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 1 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  let captured: { query: string; params: string } | undefined;
  prisma.$on('query', (e) => {
    if (pattern.test(e.query)) captured = { query: e.query, params: e.params };
  });
  try {
    await use(prisma).catch(() => undefined);
  } finally {
    await prisma.$disconnect();
  }
  if (!captured) return NOT_CAPTURED;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const plan = await client.query(
      `EXPLAIN (ANALYZE, BUFFERS) ${captured.query}`,
      JSON.parse(captured.params) as unknown[],
    );
    const params = captured.params.length > 300 ? `${captured.params.slice(0, 300)}…` : captured.params;
    return [
      captured.query.trim(),
      `-- params: ${params}`,
      ...plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']),
    ].join('\n');
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
