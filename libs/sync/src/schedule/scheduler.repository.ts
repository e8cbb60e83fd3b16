import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient } from '@tally/db';

export interface ClaimedRun {
  runId: string;
  tenantId: string;
}

// Statement 1 locks due connections (others' locked rows skipped: replicas split the work) and
// moves next_sync_at. Statement 2, with a fresh snapshot taken while the locks are held, creates
// runs only for connections with no queued/running run; requestRun takes the same row lock.
const CLAIM = `
WITH due AS (
  SELECT id FROM connections
  WHERE status = 'active' AND NOT paused AND (next_sync_at IS NULL OR next_sync_at <= now())
  ORDER BY next_sync_at NULLS FIRST
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE connections c SET next_sync_at = now() + make_interval(mins => c.sync_interval_minutes)
FROM due WHERE c.id = due.id
RETURNING c.id`;

const CREATE_RUNS = `
INSERT INTO sync_runs (tenant_id, connection_id, trigger)
SELECT c.tenant_id, c.id, 'schedule' FROM connections c
WHERE c.id = ANY($1::uuid[])
  AND NOT EXISTS (SELECT 1 FROM sync_runs r WHERE r.connection_id = c.id AND r.status IN ('queued', 'running'))
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
        const due = await tx.$queryRawUnsafe<{ id: string }[]>(CLAIM, limit);
        if (!due.length) return { claimed: 0, runs: [] };
        const runs = await tx.$queryRawUnsafe<ClaimedRun[]>(
          CREATE_RUNS,
          due.map((d) => d.id),
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
