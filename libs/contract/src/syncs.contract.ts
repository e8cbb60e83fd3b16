import { z } from 'zod';
import { pageOf, responseSchemas, timestamp } from './schema.helpers';

/** A run's or task's classified error; null when it has none. */
export const RunError = z
  .object({
    kind: z.enum(['customer', 'transient', 'internal']).nullable(),
    code: z.string().nullable(),
    message: z.string().nullable(),
  })
  .nullable();
export type RunError = z.infer<typeof RunError>;

const counts = {
  resourcesSeen: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  apiCalls: z.number().int(),
};
const timing = {
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  durationMs: z.number().int().nullable(),
};

export const SyncRun = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    connectionId: z.uuid(),
    trigger: z.enum(['manual', 'schedule']),
    status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']),
    createdAt: timestamp,
    ...timing,
    tasksTotal: z.number().int(),
    tasksDone: z.number().int(),
    tasksFailed: z.number().int(),
    ...counts,
    error: RunError,
  })
  .register(responseSchemas, { id: 'SyncRun' });
export type SyncRun = z.infer<typeof SyncRun>;
export type RunStatus = SyncRun['status'];

export const SyncTask = z.object({
  id: z.uuid(),
  accountId: z.string(),
  region: z.string(),
  resourceType: z.string(),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'unsupported', 'denied', 'skipped']),
  attempts: z.number().int(),
  ...timing,
  pages: z.number().int(),
  ...counts,
  error: RunError,
});
export type SyncTask = z.infer<typeof SyncTask>;
export type TaskStatus = SyncTask['status'];

export const SyncRunWithTasks = SyncRun.extend({ tasks: z.array(SyncTask) }).register(responseSchemas, {
  id: 'SyncRunWithTasks',
});
export type SyncRunWithTasks = z.infer<typeof SyncRunWithTasks>;

export const SyncRunList = pageOf(SyncRun).register(responseSchemas, { id: 'SyncRunList' });
