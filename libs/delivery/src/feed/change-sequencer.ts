import { Inject, Injectable } from '@nestjs/common';
import { poolOf, PrismaService, type PrismaClient } from '@tally/db';

/** Most changes one stamping pass numbers: a huge first sync is stamped over several reads. */
const STAMP_LIMIT = 10_000;

// Why a sequencer and not a sequence or the xid horizon (docs/change-feed.md):
// - a sequence number is taken before commit: a reader may see 8 while 7 is still in flight and
//   move its cursor past 7 for ever;
// - reading only below pg_snapshot_xmin() never skips, but orders by transaction id (the first write,
//   not the commit: two writers of one resource can come out reversed) and any long transaction
//   anywhere in the cluster stalls every tenant's feed.
// Stamping numbers only committed rows, one tenant at a time (the change_feeds row lock), so a
// cursor can never pass a row that becomes visible later: it gets a higher seq when it does. Within
// one pass rows are ordered by clock_timestamp() at insert; two writes of one resource are
// serialized by the resource's row lock, so the later write always has the later clock.
const STAMP = `
WITH todo AS (
  SELECT id, row_number() OVER (ORDER BY written_at, id) AS n
  FROM (SELECT id, written_at FROM resource_changes WHERE tenant_id = $1::uuid AND seq IS NULL
        ORDER BY written_at, id LIMIT ${STAMP_LIMIT}) s
),
stamped AS (
  UPDATE resource_changes c SET seq = $2::bigint + t.n FROM todo t WHERE c.id = t.id RETURNING c.seq
)
UPDATE change_feeds f SET last_seq = coalesce((SELECT max(seq) FROM stamped), f.last_seq), updated_at = now()
WHERE f.tenant_id = $1::uuid
RETURNING last_seq`;

/** Gives committed changes their feed seq, in commit order, per tenant. */
@Injectable()
export class ChangeSequencer {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** Stamps the tenant's committed, unstamped changes; returns the feed's head seq. */
  async stamp(tenantId: string): Promise<bigint> {
    const pool = poolOf(this.prisma);
    if (!pool) throw new Error('the change sequencer needs a pooled Prisma client');
    const pending = await pool.query<{ head: string | null; waiting: boolean }>(
      `SELECT (SELECT last_seq FROM change_feeds WHERE tenant_id = $1::uuid) AS head,
              EXISTS (SELECT 1 FROM resource_changes WHERE tenant_id = $1::uuid AND seq IS NULL) AS waiting`,
      [tenantId],
    );
    const { head, waiting } = pending.rows[0];
    if (!waiting) return BigInt(head ?? 0);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // The row lock serializes this tenant's stampers; the next statement's snapshot is taken after it.
      const locked = await client.query<{ last_seq: string }>(
        `INSERT INTO change_feeds (tenant_id) VALUES ($1::uuid)
         ON CONFLICT (tenant_id) DO UPDATE SET updated_at = now() RETURNING last_seq`,
        [tenantId],
      );
      const out = await client.query<{ last_seq: string }>(STAMP, [tenantId, locked.rows[0].last_seq]);
      await client.query('COMMIT');
      return BigInt(out.rows[0].last_seq);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
