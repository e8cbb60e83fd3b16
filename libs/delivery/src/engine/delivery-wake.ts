import type { JobQueueService } from '@tally/jobs';

/** Wake-ups of one destination within this window collapse into one job. */
const WAKE_WINDOW_MS = 100;

/**
 * Enqueues a wake-up for a destination (optionally at a time). Jobs only wake workers: a duplicate
 * finds the lease taken or nothing to do; the state itself is in Postgres.
 */
export function wakeDestination(
  jobs: JobQueueService,
  dest: { id: string; tenantId: string },
  at?: Date,
): Promise<unknown> {
  const when = at?.getTime() ?? Date.now();
  const delay = Math.max(0, when - Date.now());
  return jobs.enqueue(
    'delivery.destination',
    { tenantId: dest.tenantId, destinationId: dest.id },
    {
      jobId: `dest_${dest.id}_${Math.floor(when / WAKE_WINDOW_MS)}`,
      delay,
      removeOnComplete: true,
      removeOnFail: 100,
    },
  );
}
