import { z } from 'zod';
import type { SyncRun, SyncTask } from '@tally/db';
import { named } from '../common/openapi';

const at = z.iso.datetime();
const ErrorSchema = z
  .object({
    kind: z.enum(['customer', 'transient', 'internal']).nullable(),
    code: z.string().nullable(),
    message: z.string().nullable(),
  })
  .nullable();
const counts = {
  resourcesSeen: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  apiCalls: z.number().int(),
};
const RunSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  connectionId: z.uuid(),
  trigger: z.enum(['manual', 'schedule']),
  status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']),
  createdAt: at,
  startedAt: at.nullable(),
  finishedAt: at.nullable(),
  durationMs: z.number().int().nullable(),
  tasksTotal: z.number().int(),
  tasksDone: z.number().int(),
  tasksFailed: z.number().int(),
  ...counts,
  error: ErrorSchema,
});
const TaskSchema = z.object({
  id: z.uuid(),
  accountId: z.string(),
  region: z.string(),
  resourceType: z.string(),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'unsupported', 'denied', 'skipped']),
  attempts: z.number().int(),
  startedAt: at.nullable(),
  finishedAt: at.nullable(),
  durationMs: z.number().int().nullable(),
  pages: z.number().int(),
  ...counts,
  error: ErrorSchema,
});
named('SyncRun', RunSchema);
named('SyncRunWithTasks', RunSchema.extend({ tasks: z.array(TaskSchema) }));
named('SyncRunList', z.object({ items: z.array(RunSchema), nextCursor: z.string().nullable() }));

function errorOf(x: { errorKind: string | null; errorCode: string | null; errorMessage: string | null }) {
  return x.errorKind || x.errorCode || x.errorMessage
    ? { kind: x.errorKind, code: x.errorCode, message: x.errorMessage }
    : null;
}

function durationOf(startedAt: Date | null, finishedAt: Date | null): number | null {
  return startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : null;
}

export function toRunView(r: SyncRun) {
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

export function toTaskView(t: SyncTask) {
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
