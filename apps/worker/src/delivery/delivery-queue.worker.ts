import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { ChangeFeedService, DeliveryEngine, wakeDestination } from '@tally/delivery';
import { PrismaService, type PrismaClient } from '@tally/db';
import { createRedis, JobQueueService, QUEUES, queuePrefix, type JobPayloads } from '@tally/jobs';

/** Delivery history kept per destination (the dashboard shows the recent part). */
const HISTORY_DAYS = 7;

/**
 * The delivery queue's BullMQ worker: one job = one destination's run, DELIVERY_CONCURRENCY at once,
 * so a slow destination holds one slot, never another destination's. After a run it wakes the
 * destination again (more work) or at its retry time.
 */
@Injectable()
export class DeliveryQueueWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('delivery');
  /** Found by the worker's shutdown (it looks for a `worker` property). */
  worker?: Worker;
  private connection?: ReturnType<typeof createRedis>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DeliveryEngine) private readonly engine: DeliveryEngine,
    @Inject(ChangeFeedService) private readonly feed: ChangeFeedService,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
    @Inject(PrismaService) private readonly prisma: PrismaClient,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = createRedis(this.config);
    const worker = new Worker(QUEUES.delivery, (job: Job) => this.process(job), {
      connection: this.connection,
      prefix: queuePrefix(this.config),
      concurrency: this.config.DELIVERY_CONCURRENCY,
      // A run is bounded by the engine's lease; the job lock only has to outlive one batch.
      lockDuration: this.engine.leaseMs(),
    });
    worker.on('error', (err) => this.logger.error({ err }, 'delivery queue worker error'));
    worker.on('failed', (job, err) =>
      this.logger.warn({ job: job?.name, jobId: job?.id, err: err.message }, 'delivery job failed'),
    );
    this.worker = worker;
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
  }

  /** Dispatches one job by name. */
  async process(job: Job): Promise<unknown> {
    if (job.name === 'delivery.prune') return this.prune();
    if (job.name !== 'delivery.destination') throw new Error(`no handler for job ${job.name}`);
    const data = job.data as JobPayloads['delivery.destination'];
    const out = await this.engine.run(data.destinationId);
    const dest = { id: data.destinationId, tenantId: data.tenantId };
    if (out.more) await wakeDestination(this.jobs, dest);
    else if (out.retryAt) await wakeDestination(this.jobs, dest, out.retryAt);
    return out;
  }

  private async prune(): Promise<{ changes: number; deliveries: number }> {
    const changes = await this.feed.pruneExpired();
    const { count } = await this.prisma.destinationDelivery.deleteMany({
      where: { at: { lt: new Date(Date.now() - HISTORY_DAYS * 86_400_000) } },
    });
    return { changes, deliveries: count };
  }
}
