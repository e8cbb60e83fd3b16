// This machine's PostgreSQL runs with autovacuum=off, so a fresh database never gets planner
// statistics and plans stay those of an empty table. A production server has autovacuum on (the
// default): this emulates its ANALYZE rule (n_mod_since_analyze > 50 + 10 % of the table) for the
// benchmark's database, checking every few seconds, and does nothing when autovacuum is on.
import { Pool } from 'pg';

export interface AutoAnalyze {
  /** Whether the server's autovacuum is off (so this emulation ran). */
  emulated: boolean;
  /** ANALYZE statements run so far. */
  count: number;
  stop(): Promise<void>;
}

const TABLES = ['resources', 'resource_changes', 'sync_tasks', 'sync_runs', 'connections', 'accounts'];

export async function startAutoAnalyze(url: string, everyMs = 5000): Promise<AutoAnalyze> {
  const pool = new Pool({ connectionString: url, max: 1 });
  const on =
    (await pool.query<{ v: string }>(`SELECT current_setting('autovacuum') AS v`)).rows[0].v === 'on';
  const state: AutoAnalyze = { emulated: !on, count: 0, stop: async () => undefined };
  if (on) {
    await pool.end();
    return state;
  }
  let running: Promise<void> = Promise.resolve();
  const check = async () => {
    const due = await pool.query<{ relname: string }>(
      `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
       WHERE s.relname = ANY($1) AND s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)`,
      [TABLES],
    );
    for (const { relname } of due.rows) {
      await pool.query(`ANALYZE ${relname}`);
      state.count++;
    }
  };
  const timer = setInterval(() => {
    running = running.then(check).catch(() => undefined);
  }, everyMs);
  state.stop = async () => {
    clearInterval(timer);
    await running;
    await pool.end();
  };
  return state;
}

/** What BENCHMARKS.md says about it. */
export function analyzeNote(a: AutoAnalyze): string {
  return a.emulated
    ? `This server runs with autovacuum=off; the benchmark emulated autovacuum's ANALYZE rule (50 + 10 % of a table modified, checked every 5 s, in the background during the measurement): ${a.count} ANALYZE statements. Without statistics, upsertPage's lookup of previous rows is planned as for an empty table (an index scan on (tenant_id, region, id) filtered row by row, once per input row): in a trial without this emulation, first-sync ingest fell to ~380 rows/s at 57,000 rows.`
    : 'Autovacuum is on: statistics came from the server itself.';
}
