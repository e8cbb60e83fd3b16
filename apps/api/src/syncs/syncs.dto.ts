import type { z } from 'zod';
import type { SyncRun as SyncRunRow, SyncTask as SyncTaskRow } from '@tally/db';
import type { SyncRun, SyncTask } from '@tally/contract';

function errorOf(x: Pick<SyncRunRow, 'errorKind' | 'errorCode' | 'errorMessage'>) {
  return x.errorKind || x.errorCode || x.errorMessage
    ? { kind: x.errorKind, code: x.errorCode, message: x.errorMessage }
    : null;
}

function durationOf(startedAt: Date | null, finishedAt: Date | null): number | null {
  return startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : null;
}

/** The run as the API answers it. */
export function toRunView(r: SyncRunRow): z.input<typeof SyncRun> {
  return {
    id: r.id,
    tenantId: r.tenantId,
    connectionId: r.connectionId,
    trigger: r.trigger,
    status: r.status,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: durationOf(r.startedAt, r.finishedAt),
    tasksTotal: r.tasksTotal,
    tasksDone: r.tasksDone,
    tasksFailed: r.tasksFailed,
    resourcesSeen: r.resourcesSeen,
    created: r.created,
    updated: r.updated,
    deleted: r.deleted,
    apiCalls: r.apiCalls,
    error: errorOf(r),
  };
}

/** One task of a run as the API answers it. */
export function toTaskView(t: SyncTaskRow): z.input<typeof SyncTask> {
  return {
    id: t.id,
    accountId: t.accountId,
    region: t.region,
    resourceType: t.resourceType,
    status: t.status,
    attempts: t.attempts,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    durationMs: t.durationMs ?? durationOf(t.startedAt, t.finishedAt),
    pages: t.pages,
    resourcesSeen: t.resourcesSeen,
    created: t.created,
    updated: t.updated,
    deleted: t.deleted,
    apiCalls: t.apiCalls,
    error: errorOf(t),
  };
}
