import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient } from '@tally/db';

export interface ClaimedRun {
  runId: string;
  tenantId: string;
}

// Statement 1 locks due connections (others' locked rows skipped: replicas split the work) and
// moves next_sync_at. Due means never scheduled (NULL, taken first) or next_sync_at passed: two
// range scans of connections_next_sync_at_idx that stop after $1 rows, and an update by id, so a
// batch costs O(batch), not a scan and sort of every connection.
const CLAIM = `
WITH never AS (
  SELECT id FROM connections
  WHERE next_sync_at IS NULL AND status = 'active' AND NOT paused
  LIMIT $1
  FOR UPDATE SKIP LOCKED
), overdue AS (
  SELECT id FROM connections
  WHERE next_sync_at <= now() AND status = 'active' AND NOT paused
  ORDER BY next_sync_at
  LIMIT $1 - (SELECT count(*) FROM never)
  FOR UPDATE SKIP LOCKED
)
UPDATE connections c SET next_sync_at = now() + make_interval(mins => c.sync_interval_minutes)
WHERE c.id = ANY(ARRAY(SELECT id FROM never UNION ALL SELECT id FROM overdue))
RETURNING c.id, c.tenant_id AS "tenantId"`;

// Statement 2, with a fresh snapshot taken while the locks are held, creates runs only for
// connections with no queued/running run; requestRun takes the same row lock. (One statement
// could not do this: its snapshot predates the locks, so it could miss a run committed meanwhile.)
const CREATE_RUNS = `
INSERT INTO sync_runs (tenant_id, connection_id, trigger)
SELECT d.tenant_id, d.id, 'schedule' FROM unnest($1::uuid[], $2::uuid[]) AS d(id, tenant_id)
WHERE NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.connection_id = d.id AND r.status IN ('queued', 'running'))
RETURNING id AS "runId", tenant_id AS "tenantId"`;

const STUCK_QUEUED = `
SELECT id AS "runId", tenant_id AS "tenantId" FROM sync_runs
WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1)
ORDER BY created_at LIMIT $2`;

const STUCK_FINISHING = `
SELECT id AS "runId", tenant_id AS "tenantId" FROM sync_runs
WHERE status = 'running' AND tasks_done >= tasks_total AND started_at < now() - make_interval(secs => $1)
ORDER BY started_at LIMIT $2`;

/** The scheduler's queries: claiming due connections with SKIP LOCKED, and finding stuck runs. */
@Injectable()
export class SchedulerRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** Claims up to `limit` due connections: bumps their next_sync_at and creates their runs, atomically. */
  async claimDue(limit: number): Promise<{ claimed: number; runs: ClaimedRun[] }> {
    return this.prisma.$transaction(
      async (tx) => {
        const due = await tx.$queryRawUnsafe<{ id: string; tenantId: string }[]>(CLAIM, limit);
        if (!due.length) return { claimed: 0, runs: [] };
        const runs = await tx.$queryRawUnsafe<ClaimedRun[]>(
          CREATE_RUNS,
          due.map((d) => d.id),
          due.map((d) => d.tenantId),
        );
        return { claimed: due.length, runs };
      },
      { maxWait: 15_000, timeout: 30_000 },
    );
  }

  /** Runs still queued after `seconds` (their enqueue may have been lost in a crash). */
  stuckQueued(seconds: number, limit: number): Promise<ClaimedRun[]> {
    return this.prisma.$queryRawUnsafe<ClaimedRun[]>(STUCK_QUEUED, seconds, limit);
  }

  /** Runs whose tasks all ended but that were not finished after `seconds`. */
  stuckFinishing(seconds: number, limit: number): Promise<ClaimedRun[]> {
    return this.prisma.$queryRawUnsafe<ClaimedRun[]>(STUCK_FINISHING, seconds, limit);
  }
}
