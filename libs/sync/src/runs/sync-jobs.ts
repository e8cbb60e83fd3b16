import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '@tally/config';

// Job ids derive from row ids, so enqueueing the same thing twice (a retry, a repair) is a no-op
// while the job exists. BullMQ forbids ':' in custom ids.
export const runJobId = (runId: string) => `run-${runId}`;
export const taskJobId = (taskId: string) => `task-${taskId}`;
export const finishJobId = (runId: string) => `finish-${runId}`;

const keep = { removeOnComplete: { age: 3600, count: 5000 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** Planning a run: a few tries (discovery may be throttled), then the run fails. */
export function runJobOptions(config: AppConfig, runId: string): JobsOptions {
  return {
    jobId: runJobId(runId),
    attempts: 3,
    backoff: { type: 'exponential', delay: config.SYNC_TASK_BACKOFF_MS },
    ...keep,
  };
}

/** A task: SYNC_TASK_ATTEMPTS tries with exponential backoff, then it fails alone. */
export function taskJobOptions(config: AppConfig, taskId: string): JobsOptions {
  return {
    jobId: taskJobId(taskId),
    attempts: config.SYNC_TASK_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.SYNC_TASK_BACKOFF_MS },
    ...keep,
  };
}

export function finishJobOptions(runId: string): JobsOptions {
  return { jobId: finishJobId(runId), attempts: 5, backoff: { type: 'exponential', delay: 1000 }, ...keep };
}
