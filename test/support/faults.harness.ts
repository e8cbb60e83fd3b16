// Test harness (not a test): faults injected into this test's own database and Redis prefix only
// (other test runs share the server and Redis), and polling helpers for convergence.
import pg from 'pg';
import { TEST_PG_SERVER } from '@tally/testing';

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${TEST_PG_SERVER}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Cuts every connection to database `name` (a failover, as the processes see it); returns how many. */
export function cutPostgresConnections(name: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return (r.rows[0] as { n: number }).n;
  });
}

/** Makes database `name` refuse connections (and cuts the open ones) until `restore` is called. */
export async function blockPostgres(name: string): Promise<{ cut: number; restore(): Promise<void> }> {
  await admin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`));
  const cut = await cutPostgresConnections(name);
  return {
    cut,
    restore: () =>
      admin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`)).then(() => undefined),
  };
}

/** Polls `read` until `done` holds; the error names what was awaited and the last value. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read().catch((err: Error) => err as unknown as T);
    if (!(v instanceof Error) && done(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${v instanceof Error ? v.message : JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
