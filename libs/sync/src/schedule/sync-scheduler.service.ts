import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { JobQueueService, JobRepairs } from '@tally/jobs';
import { runJobOptions } from '../runs/sync-jobs';
import { SchedulerRepository } from './scheduler.repository';

export interface TickResult {
  claimed: number;
  started: number;
  repaired: number;
}

const BATCH = 1000;
/** Bound on one tick's work, so a huge backlog is spread over ticks instead of blocking one. */
const MAX_BATCHES = 50;

/** One scheduler tick: claim due connections in batches, create their runs, enqueue them in bulk. */
@Injectable()
export class SyncSchedulerService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SchedulerRepository) private readonly repo: SchedulerRepository,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
    @Inject(JobRepairs) private readonly repairs: JobRepairs,
  ) {}

  /** Safe on any number of replicas at once (SKIP LOCKED); returns what it did. */
  async tick(batchSize = BATCH): Promise<TickResult> {
    const result: TickResult = { claimed: 0, started: 0, repaired: 0 };
    // Pipelined: batch N is enqueued (Redis) while batch N+1 is claimed (PostgreSQL), and an
    // enqueue does not wait for the previous one: building one batch's jobs (Node) overlaps Redis
    // adding the previous batch's.
    const enqueues: Promise<unknown>[] = [];
    try {
      for (let i = 0; i < MAX_BATCHES; i++) {
        const { claimed, runs } = await this.repo.claimDue(batchSize);
        result.claimed += claimed;
        result.started += runs.length;
        const enqueue = this.enqueueRuns(runs);
        // Handled now, thrown below: a rejection left unhandled mid-tick would stop the worker.
        enqueue.catch(() => undefined);
        enqueues.push(enqueue);
        if (claimed < batchSize) break;
      }
    } finally {
      await Promise.all(enqueues);
    }
    result.repaired = await this.repair();
    return result;
  }

  /**
   * Every registered repair pass (sync runs: libs/sync SyncRunRepairer): jobs Redis lost are rebuilt
   * from PostgreSQL, work without progress past its bound ends with the reason. Returns the repairs made.
   */
  async repair(): Promise<number> {
    const reports = await this.repairs.runAll();
    return reports.reduce((n, r) => n + r.reenqueued + r.finished + r.abandoned, 0);
  }

  private enqueueRuns(runs: { runId: string; tenantId: string }[]) {
    return this.jobs.enqueueBulk(
      'sync.run',
      runs.map((r) => ({
        data: { tenantId: r.tenantId, runId: r.runId },
        opts: runJobOptions(this.config, r.runId),
      })),
    );
  }
}
