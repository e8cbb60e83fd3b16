import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import {
  JobQueueService,
  JobRepairs,
  QUEUES,
  restoreJobs,
  type ExpectedJob,
  type JobRepairer,
  type RepairReport,
} from '@tally/jobs';
import { Metrics } from '@tally/metrics';
import { finishJobOptions, runJobOptions, taskJobOptions } from '../runs/sync-jobs';
import { SchedulerRepository, type StalledRun } from './scheduler.repository';

const BATCH = 1000;
/** Longest a run may sit without progress before its jobs are checked against Redis. */
const MAX_GRACE_SECONDS = 120;

/** "30 minutes", "45 seconds": a duration as the run's error message says it. */
export function inWords(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
}

/** Why a stalled run was given up on, in words for the customer and the operator. */
export function stalledRunMessage(
  stallSeconds: number,
  run: { tasksDone: number; tasksTotal: number },
): string {
  const open = run.tasksTotal - run.tasksDone;
  return (
    `No progress for ${inWords(stallSeconds)}: ${open} of its ${run.tasksTotal} tasks never ended. ` +
    `Their queue jobs were lost (Redis restarted or evicted keys?) or kept failing, and the repair ` +
    `pass could not recover them. The connection syncs again at its next scheduled time.`
  );
}

/**
 * Sync runs rebuilt from PostgreSQL: queued runs get their planning job back, running runs without
 * progress get back the jobs of their open tasks (or their finish), and a run without progress
 * for SYNC_RUN_STALL_MINUTES ends failed with the reason.
 */
@Injectable()
export class SyncRunRepairer implements JobRepairer, OnModuleInit {
  readonly kind = 'sync-run';
  private readonly logger = new Logger('repair');
  private readonly stallSeconds: number;
  /** How long a run may be quiet before its jobs are checked: a third of the bound, at most 2 minutes. */
  readonly graceSeconds: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SchedulerRepository) private readonly repo: SchedulerRepository,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
    @Inject(JobRepairs) private readonly repairs: JobRepairs,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {
    this.stallSeconds = config.SYNC_RUN_STALL_MINUTES * 60;
    this.graceSeconds = Math.min(MAX_GRACE_SECONDS, this.stallSeconds / 3);
  }

  onModuleInit(): void {
    this.repairs.register(this);
  }

  async repair(): Promise<RepairReport> {
    const report: RepairReport = {
      kind: this.kind,
      withoutProgress: 0,
      reenqueued: 0,
      finished: 0,
      abandoned: 0,
    };
    const queue = this.jobs.queue(QUEUES.sync);
    const queued = await this.repo.stuckQueued(this.graceSeconds, BATCH);
    report.withoutProgress += queued.length;
    report.reenqueued += await restoreJobs(
      queue,
      queued.map((r) =>
        this.job('sync.run', { tenantId: r.tenantId, runId: r.runId }, runJobOptions(this.config, r.runId)),
      ),
    );
    const stalled = await this.repo.stalledRuns(this.graceSeconds, BATCH);
    report.withoutProgress += stalled.length;
    const alive: StalledRun[] = [];
    for (const run of stalled) {
      if (run.idleSeconds < this.stallSeconds) alive.push(run);
      else if (await this.abandon(run)) report.abandoned++;
    }
    const finishing = alive.filter((r) => r.tasksDone >= r.tasksTotal);
    report.finished += await restoreJobs(
      queue,
      finishing.map((r) =>
        this.job('sync.finish', { tenantId: r.tenantId, runId: r.runId }, finishJobOptions(r.runId)),
      ),
    );
    const open = await this.repo.openTasks(
      alive.filter((r) => r.tasksDone < r.tasksTotal).map((r) => r.runId),
    );
    report.reenqueued += await restoreJobs(
      queue,
      open.map((t) => this.job('sync.task', t, taskJobOptions(this.config, t.taskId))),
    );
    this.metrics.repaired(this.kind, report);
    if (report.reenqueued || report.finished || report.abandoned)
      this.logger.warn(
        { component: 'repair', ...report },
        'repaired sync runs that had lost their jobs or stalled',
      );
    return report;
  }

  private async abandon(run: StalledRun): Promise<boolean> {
    const message = stalledRunMessage(this.stallSeconds, run);
    const seconds = await this.repo.abandon(run, this.stallSeconds, message);
    if (seconds === null) return false;
    this.metrics.syncRun('failed', seconds);
    this.logger.warn({ component: 'repair', runId: run.runId, tenantId: run.tenantId }, message);
    return true;
  }

  private job(
    name: string,
    data: unknown,
    opts: ExpectedJob['opts'] | ReturnType<typeof runJobOptions>,
  ): ExpectedJob {
    return { name, data, opts: opts as ExpectedJob['opts'] };
  }
}
