import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient } from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { finishJobOptions } from './sync-jobs';

/** Enqueues a run's finish once all of its tasks have ended (idempotent: the job id is the run's). */
@Injectable()
export class RunCompletion {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
  ) {}

  /** After a task ended: enqueue the finish when it was the last one. */
  async afterTaskEnded(
    tenantId: string,
    progress: { runId: string; tasksDone: number; tasksTotal: number },
  ): Promise<void> {
    if (progress.tasksDone >= progress.tasksTotal) await this.enqueueFinish(tenantId, progress.runId);
  }

  /** Re-checks a run from the database (a retried job whose task had already ended lands here). */
  async check(tenantId: string, runId: string): Promise<boolean> {
    const run = await this.prisma.syncRun.findFirst({
      where: { id: runId, tenantId },
      select: { status: true, tasksDone: true, tasksTotal: true },
    });
    if (run?.status !== 'running' || run.tasksDone < run.tasksTotal) return false;
    await this.enqueueFinish(tenantId, runId);
    return true;
  }

  enqueueFinish(tenantId: string, runId: string) {
    return this.jobs.enqueue('sync.finish', { tenantId, runId }, finishJobOptions(runId));
  }
}
