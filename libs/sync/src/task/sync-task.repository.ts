import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient } from '@tally/db';
import type { Db } from '../ingest/resource-ingest.repository';

export type TaskEndStatus = 'succeeded' | 'failed' | 'unsupported' | 'denied' | 'skipped';

export interface TaskError {
  kind: 'customer' | 'transient' | 'internal';
  code: string | null;
  message: string;
}

/** Where the run stands after a task ended (the task's end and this counter moved in one statement). */
export interface RunProgress {
  runId: string;
  tasksDone: number;
  tasksTotal: number;
}

/** One execution of a task: its number fences out any older execution still running (see START). */
export interface TaskAttempt {
  /** Start of the attempt on the database clock: the sweep's `since`. */
  since: Date;
  /** The task's `attempts` after this start; writes of any other attempt are refused. */
  attempt: number;
}

// Each start takes the next attempt number; page writes, the end and a failed attempt's note only
// apply while the task's number is still theirs. So when one task runs twice at once (a job whose
// lock lapsed under a blocked event loop, a job re-enqueued by the repair pass), the older
// execution's next write is refused and it stops: at most one page it was listing is wasted.
const START = `
UPDATE sync_tasks SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()),
  pages = 0, resources_seen = 0, progress_at = now()
WHERE id = $1::uuid AND tenant_id = $2::uuid AND status IN ('pending', 'running')
RETURNING now()::timestamptz(3) AS since, attempts AS attempt`;

// Ends a task at most once and moves the run's counters with it: the run's completion is exactly
// "tasks_done = tasks_total", whatever crashed or retried in between.
const END = `
WITH t AS (
  UPDATE sync_tasks SET status = $3::"SyncTaskStatus", finished_at = now(), progress_at = now(),
    duration_ms = (extract(epoch FROM now() - coalesce(started_at, now())) * 1000)::int,
    deleted = deleted + $4::int, error_kind = $5::"ErrorKind", error_code = $6, error_message = $7
  WHERE id = $1::uuid AND tenant_id = $2::uuid AND status IN ('pending', 'running')
    AND ($8::int IS NULL OR attempts = $8::int)
  RETURNING run_id, status, resources_seen, created, updated, deleted, api_calls
)
UPDATE sync_runs r SET tasks_done = r.tasks_done + 1,
  tasks_failed = r.tasks_failed + CASE WHEN t.status IN ('failed', 'denied') THEN 1 ELSE 0 END,
  resources_seen = r.resources_seen + t.resources_seen, created = r.created + t.created,
  updated = r.updated + t.updated, deleted = r.deleted + t.deleted, api_calls = r.api_calls + t.api_calls
FROM t WHERE r.id = t.run_id
RETURNING r.id AS "runId", r.tasks_done AS "tasksDone", r.tasks_total AS "tasksTotal"`;

/** Task state transitions, in SQL where they must be atomic with the run's counters. */
@Injectable()
export class SyncTaskRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** Starts an attempt (superseding any older one); null when the task already ended. */
  async start(tenantId: string, taskId: string): Promise<TaskAttempt | null> {
    const [row] = await this.prisma.$queryRawUnsafe<TaskAttempt[]>(START, taskId, tenantId);
    return row ?? null;
  }

  /**
   * Ends the task (once) and counts it in its run; null when it had already ended or `attempt`
   * (when given) is no longer the task's current one.
   */
  async end(
    db: Db,
    key: { tenantId: string; taskId: string; attempt?: number },
    status: TaskEndStatus,
    outcome: { deleted?: number; error?: TaskError | null } = {},
  ): Promise<RunProgress | null> {
    const e = outcome.error ?? null;
    const [row] = await db.$queryRawUnsafe<RunProgress[]>(
      END,
      key.taskId,
      key.tenantId,
      status,
      outcome.deleted ?? 0,
      e?.kind ?? null,
      e?.code ?? null,
      e?.message ?? null,
      key.attempt ?? null,
    );
    return row ?? null;
  }

  /** Notes a failed attempt that will be retried (the task waits, status pending), unless a newer one started. */
  async attemptFailed(tenantId: string, taskId: string, attempt: number, error: TaskError): Promise<void> {
    await this.prisma.syncTask.updateMany({
      where: { id: taskId, tenantId, attempts: attempt, status: { in: ['pending', 'running'] } },
      data: { status: 'pending', errorKind: error.kind, errorCode: error.code, errorMessage: error.message },
    });
  }

  /** Adds AWS calls spent by an attempt that ingested nothing more (failed calls count too). */
  async addApiCalls(tenantId: string, taskId: string, calls: number): Promise<void> {
    if (calls > 0)
      await this.prisma.syncTask.updateMany({
        where: { id: taskId, tenantId },
        data: { apiCalls: { increment: calls } },
      });
  }
}
