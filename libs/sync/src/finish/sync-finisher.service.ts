import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type PrismaClient, type SyncRun } from '@tally/db';
import { Metrics } from '@tally/metrics';
import type { TaskError } from '../task/sync-task.repository';

export type RunOutcome = 'succeeded' | 'partial' | 'failed';

/** succeeded: nothing failed; failed: tasks ran and none succeeded; partial: in between. */
export function runOutcome(counts: { total: number; failed: number }): RunOutcome {
  if (counts.failed === 0) return 'succeeded';
  return counts.failed >= counts.total ? 'failed' : 'partial';
}

/** Ends runs: the status from the tasks' outcomes, the first error as the run's, the connection's lastSyncAt. */
@Injectable()
export class SyncFinisherService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /** Finishes a run whose tasks have all ended. Idempotent: a finished run is left as it is. */
  async finish(job: { tenantId: string; runId: string }): Promise<RunOutcome | 'not-ready' | 'ended'> {
    const run = await this.prisma.syncRun.findFirst({ where: { id: job.runId, tenantId: job.tenantId } });
    if (!run || run.status !== 'running') return 'ended';
    if (run.tasksDone < run.tasksTotal) return 'not-ready';
    const failedTasks = await this.prisma.syncTask.count({
      where: { runId: run.id, status: { in: ['failed', 'denied'] } },
    });
    const outcome = runOutcome({ total: run.tasksTotal, failed: failedTasks });
    const error = failedTasks ? await this.summarizeErrors(run, failedTasks) : null;
    const done = await this.close(run, outcome, error);
    return done ? outcome : 'ended';
  }

  /** Fails a run that could not be planned (e.g. Organizations not in use, role missing). */
  async fail(run: SyncRun, error: TaskError): Promise<void> {
    await this.close(run, 'failed', error);
  }

  private async summarizeErrors(run: SyncRun, failed: number): Promise<TaskError> {
    const first = await this.prisma.syncTask.findFirst({
      where: { runId: run.id, status: { in: ['failed', 'denied'] } },
      orderBy: [{ errorKind: 'asc' }, { finishedAt: 'asc' }],
    });
    const where = first ? `${first.resourceType} in ${first.accountId} ${first.region}` : '';
    return {
      kind: (first?.errorKind ?? 'internal') as TaskError['kind'],
      code: first?.errorCode ?? null,
      message:
        `${failed} of ${run.tasksTotal} tasks failed; first: ${where}: ${first?.errorMessage ?? 'unknown error'}`.slice(
          0,
          2000,
        ),
    };
  }

  private async close(run: SyncRun, outcome: RunOutcome, error: TaskError | null): Promise<boolean> {
    const finishedAt = new Date();
    const closed = await this.prisma.$transaction(async (tx) => {
      const moved = await tx.syncRun.updateMany({
        where: { id: run.id, tenantId: run.tenantId, status: { in: ['queued', 'running'] } },
        data: {
          status: outcome,
          finishedAt,
          startedAt: run.startedAt ?? finishedAt,
          errorKind: error?.kind ?? null,
          errorCode: error?.code ?? null,
          errorMessage: error?.message ?? null,
        },
      });
      if (moved.count !== 1) return false;
      await tx.connection.updateMany({
        where: { id: run.connectionId, tenantId: run.tenantId },
        data: { lastSyncAt: finishedAt },
      });
      return true;
    });
    if (closed)
      this.metrics.syncRun(
        outcome,
        (finishedAt.getTime() - (run.startedAt ?? run.createdAt).getTime()) / 1000,
      );
    return closed;
  }
}
