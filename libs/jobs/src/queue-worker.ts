import type { Worker } from 'bullmq';

/**
 * Stops a BullMQ worker taking jobs and lets its active ones finish within `timeoutMs`; after that
 * it closes without waiting, lock renewal stops, and the unfinished jobs return to the queue when
 * their locks lapse (BullMQ's stalled-job check, on any replica).
 */
export async function drainQueueWorker(worker: Worker, timeoutMs: number): Promise<'finished' | 'returned'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'returned'>((r) => (timer = setTimeout(() => r('returned'), timeoutMs)));
  // pause() rather than close(): a graceful close() cannot be turned into a forced one later.
  const outcome = await Promise.race([worker.pause().then(() => 'finished' as const), timeout]);
  clearTimeout(timer);
  await worker.close(outcome === 'returned');
  return outcome;
}
