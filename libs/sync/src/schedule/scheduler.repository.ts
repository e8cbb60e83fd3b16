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

// A run's last progress: its start, or the latest start, page or end of one of its tasks.
const STALLED_RUNS = `
SELECT r.id AS "runId", r.tenant_id AS "tenantId", r.tasks_done AS "tasksDone", r.tasks_total AS "tasksTotal",
  extract(epoch FROM now() - greatest(r.started_at, p.at))::float8 AS "idleSeconds"
FROM sync_runs r
CROSS JOIN LATERAL (SELECT max(t.progress_at) AS at FROM sync_tasks t WHERE t.run_id = r.id) p
WHERE r.status = 'running' AND greatest(r.started_at, p.at) < now() - make_interval(secs => $1)
ORDER BY r.started_at LIMIT $2`;

const OPEN_TASKS = `
SELECT id AS "taskId", run_id AS "runId", tenant_id AS "tenantId" FROM sync_tasks
WHERE run_id = ANY($1::uuid[]) AND status IN ('pending', 'running')`;

// Gives up on a run, re-checking under the run's lock that it is still running without progress:
// its open tasks end failed (their late writes are then refused) and the run ends failed, counted
// as done, so the connection can have its next run.
const ABANDON = `
WITH run AS (
  SELECT r.id FROM sync_runs r
  WHERE r.id = $1::uuid AND r.tenant_id = $2::uuid AND r.status = 'running'
    AND greatest(r.started_at, (SELECT max(t.progress_at) FROM sync_tasks t WHERE t.run_id = r.id))
        < now() - make_interval(secs => $3)
  FOR UPDATE
), open AS (
  UPDATE sync_tasks t SET status = 'failed', finished_at = now(), progress_at = now(),
    error_kind = 'internal', error_code = 'run_stalled', error_message = $4
  WHERE t.run_id IN (SELECT id FROM run) AND t.status IN ('pending', 'running')
  RETURNING t.id
), ended AS (
  UPDATE sync_runs r SET status = 'failed', finished_at = now(), tasks_done = r.tasks_total,
    tasks_failed = r.tasks_failed + (SELECT count(*) FROM open)::int,
    error_kind = 'internal', error_code = 'run_stalled', error_message = $4
  FROM run WHERE r.id = run.id
  RETURNING r.connection_id, r.started_at, r.finished_at
), conn AS (
  UPDATE connections c SET last_sync_at = e.finished_at FROM ended e WHERE c.id = e.connection_id
)
SELECT extract(epoch FROM finished_at - started_at)::float8 AS seconds FROM ended`;

export interface StalledRun extends ClaimedRun {
  tasksDone: number;
  tasksTotal: number;
  /** Seconds since the run's last progress. */
  idleSeconds: number;
}

export interface OpenTask {
  taskId: string;
  runId: string;
  tenantId: string;
}

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

  /** Running runs without progress for `seconds` (oldest first). */
  stalledRuns(seconds: number, limit: number): Promise<StalledRun[]> {
    return this.prisma.$queryRawUnsafe<StalledRun[]>(STALLED_RUNS, seconds, limit);
  }

  /** Tasks of these runs that have not ended. */
  openTasks(runIds: string[]): Promise<OpenTask[]> {
    if (!runIds.length) return Promise.resolve([]);
    return this.prisma.$queryRawUnsafe<OpenTask[]>(OPEN_TASKS, runIds);
  }

  /**
   * Ends a run failed with `message` (and its open tasks), if it is still running and without
   * progress for `seconds`; returns its duration in seconds, or null when it moved meanwhile.
   */
  async abandon(run: ClaimedRun, seconds: number, message: string): Promise<number | null> {
    const [row] = await this.prisma.$queryRawUnsafe<{ seconds: number }[]>(
      ABANDON,
      run.runId,
      run.tenantId,
      seconds,
      message,
    );
    return row?.seconds ?? null;
  }
}
