import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@tally/db';
import { JobQueueService, QUEUES } from '@tally/jobs';
import { Metrics, type QueueCounts, type SchedulerLag } from './metrics';

const JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'failed'] as const;

/** Reads queue depth from Redis and scheduler lag from PostgreSQL, only when Prometheus scrapes. */
@Injectable()
export class MetricsCollectors implements OnModuleInit, OnModuleDestroy {
  private readonly readQueues = () => this.queueCounts();
  private readonly readLag = () => this.schedulerLag();

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueueService,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.setSources({ queues: this.readQueues, schedulerLag: this.readLag });
  }

  onModuleDestroy(): void {
    this.metrics.removeSources({ queues: this.readQueues, schedulerLag: this.readLag });
  }

  async queueCounts(): Promise<QueueCounts> {
    const out: QueueCounts = {};
    for (const name of Object.values(QUEUES)) {
      out[name] = await this.jobs.queue(name).getJobCounts(...JOB_STATES);
    }
    return out;
  }

  /** One query, the scheduler's own due condition: the oldest due nextSyncAt (never scheduled: since its last change). */
  async schedulerLag(): Promise<SchedulerLag> {
    const [row] = await this.prisma.$queryRaw<{ lag: number | null; due: number }[]>`
      SELECT EXTRACT(EPOCH FROM (now() - min(COALESCE(next_sync_at, updated_at))))::float8 AS lag, count(*)::int AS due
      FROM connections
      WHERE status = 'active' AND NOT paused AND (next_sync_at IS NULL OR next_sync_at <= now())`;
    return { lagSeconds: Math.max(0, row?.lag ?? 0), due: row?.due ?? 0 };
  }
}
