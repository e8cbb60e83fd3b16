import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Worker } from 'bullmq';

/** Every BullMQ Worker the application built, whether through @nestjs/bullmq's WorkerHost or by hand. */
export function findQueueWorkers(app: INestApplicationContext): Worker[] {
  const found = new Set<Worker>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      if (instance instanceof Worker) found.add(instance);
      for (const key of ['worker', '_worker', 'workers']) {
        let value: unknown;
        try {
          value = instance[key];
        } catch {
          continue; // WorkerHost's getter throws before its worker exists
        }
        for (const v of Array.isArray(value) ? value : [value]) if (v instanceof Worker) found.add(v);
      }
    }
  }
  return [...found];
}

/** Stops every cron, interval and timeout of @nestjs/schedule, so no replica claims new work. */
export function stopScheduler(app: INestApplicationContext): number {
  let registry: SchedulerRegistry;
  try {
    registry = app.get(SchedulerRegistry, { strict: false });
  } catch {
    return 0; // the schedule module is not loaded
  }
  let stopped = 0;
  for (const job of registry.getCronJobs().values()) {
    void job.stop();
    stopped++;
  }
  for (const name of registry.getIntervals()) {
    registry.deleteInterval(name);
    stopped++;
  }
  for (const name of registry.getTimeouts()) {
    registry.deleteTimeout(name);
    stopped++;
  }
  return stopped;
}

/**
 * Lets active jobs finish within `timeoutMs`; after that the workers close without waiting, and
 * their unfinished jobs' locks lapse so BullMQ hands them to another replica (stalled-job check).
 */
export async function closeQueueWorkers(
  workers: Worker[],
  timeoutMs: number,
): Promise<'finished' | 'returned'> {
  const graceful = Promise.all(workers.map((w) => w.close())).then(() => 'finished' as const);
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
  if ((await Promise.race([graceful, timeout])) === 'finished') return 'finished';
  await Promise.all(workers.map((w) => w.close(true)));
  return 'returned';
}
