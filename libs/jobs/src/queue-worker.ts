import type { Worker } from 'bullmq';

/**
 * Stops a BullMQ worker taking jobs and lets its active ones finish within `timeoutMs`; after that
 * it closes without waiting, and the unfinished jobs' locks lapse so BullMQ hands them to another
 * replica (stalled-job check).
 */
export async function drainQueueWorker(worker: Worker, timeoutMs: number): Promise<'finished' | 'returned'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'returned'>((r) => (timer = setTimeout(() => r('returned'), timeoutMs)));
  const outcome = await Promise.race([worker.close().then(() => 'finished' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'returned') await worker.close(true);
  return outcome;
}
