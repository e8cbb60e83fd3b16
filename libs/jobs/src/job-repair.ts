import { Injectable } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';

/** What one repair pass found and did for one kind of work. */
export interface RepairReport {
  kind: string;
  /** In flight and without progress for the repair's grace period. */
  withoutProgress: number;
  /** Jobs rebuilt from PostgreSQL because Redis had lost them (or kept them ended while the work was not). */
  reenqueued: number;
  /** Work whose end had to be enqueued again. */
  finished: number;
  /** Work given up on: no progress past the bound, ended failed with the reason. */
  abandoned: number;
}

/**
 * One kind of work whose truth is in PostgreSQL (sync runs today; live-event refreshes and
 * deliveries plug in the same way): a pass finds what should be in flight, rebuilds the jobs Redis
 * lost (idempotent job ids) and gives up, in words, on what cannot progress. Passes run on every
 * scheduler replica at once, so each must be safe to repeat and to run concurrently.
 */
export interface JobRepairer {
  readonly kind: string;
  repair(): Promise<RepairReport>;
}

/** A job to exist in the queue: the same name, payload and options (id included) it was first added with. */
export interface ExpectedJob {
  name: string;
  data: unknown;
  opts: JobsOptions & { jobId: string };
}

const STATE_BATCH = 200;

/**
 * Makes each expected job exist in `queue`, checking its id in batches: a missing job is added; one
 * that already completed or failed while its work (per PostgreSQL) did not end is removed and added
 * again. Waiting, delayed and active jobs are left alone. Returns how many were (re)added.
 */
export async function restoreJobs(queue: Queue, expected: ExpectedJob[]): Promise<number> {
  let restored = 0;
  for (let i = 0; i < expected.length; i += STATE_BATCH) {
    const batch = expected.slice(i, i + STATE_BATCH);
    const states = await Promise.all(batch.map((j) => queue.getJobState(j.opts.jobId)));
    // 'unknown' may still leave a job hash in no list (a script cut short when the keys vanished):
    // add would take it for a duplicate, so it goes first. A job removed meanwhile by another
    // replica is fine (remove is a no-op, add idempotent); a locked one is being worked on.
    const add = batch.filter((_, k) => ['unknown', 'completed', 'failed'].includes(states[k]));
    await Promise.all(add.map((j) => queue.remove(j.opts.jobId).catch(() => 0)));
    if (add.length) await queue.addBulk(add.map((j) => ({ name: j.name, data: j.data, opts: j.opts })));
    restored += add.length;
  }
  return restored;
}

/**
 * The repairers of this process (each lib registers its own at module init); the scheduler's tick
 * runs them all. A failing one does not keep the others from running.
 */
@Injectable()
export class JobRepairs {
  private readonly repairers = new Map<string, JobRepairer>();

  register(repairer: JobRepairer): void {
    this.repairers.set(repairer.kind, repairer);
  }

  /** One pass of every repairer; throws the first error after all have run. */
  async runAll(): Promise<RepairReport[]> {
    const reports: RepairReport[] = [];
    let failure: unknown;
    for (const r of this.repairers.values()) {
      try {
        reports.push(await r.repair());
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    return reports;
  }
}
