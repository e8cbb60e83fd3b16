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

const START = `
UPDATE sync_tasks SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()),
  pages = 0, resources_seen = 0
WHERE id = $1::uuid AND tenant_id = $2::uuid AND status IN ('pending', 'running')
RETURNING now()::timestamptz(3) AS since`;

// Ends a task at most once and moves the run's counters with it: the run's completion is exactly
// "tasks_done = tasks_total", whatever crashed or retried in between.
const END = `
WITH t AS (
  UPDATE sync_tasks SET status = $3::"SyncTaskStatus", finished_at = now(),
    duration_ms = (extract(epoch FROM now() - coalesce(started_at, now())) * 1000)::int,
    deleted = deleted + $4::int, error_kind = $5::"ErrorKind", error_code = $6, error_message = $7
  WHERE id = $1::uuid AND tenant_id = $2::uuid AND status IN ('pending', 'running')
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

  /** Starts an attempt; returns its start on the database clock, or null when the task already ended. */
  async start(tenantId: string, taskId: string): Promise<Date | null> {
    const [row] = await this.prisma.$queryRawUnsafe<{ since: Date }[]>(START, taskId, tenantId);
    return row?.since ?? null;
  }

  /** Ends the task (once) and counts it in its run; null when it had already ended. */
  async end(
    db: Db,
    key: { tenantId: string; taskId: string },
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
    );
    return row ?? null;
  }

  /** Notes a failed attempt that will be retried (the task waits, status pending). */
  async attemptFailed(tenantId: string, taskId: string, error: TaskError): Promise<void> {
    await this.prisma.syncTask.updateMany({
      where: { id: taskId, tenantId, status: { in: ['pending', 'running'] } },
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
