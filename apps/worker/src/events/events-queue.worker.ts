import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { LiveEventsSupervisor, ResourceRefreshService, type RefreshJob } from '@tally/events';
import { createRedis, drainQueueWorker, QUEUES, queuePrefix } from '@tally/jobs';
import { Metrics } from '@tally/metrics';

const WROTE = new Set(['created', 'updated', 'deleted']);

/** Refreshes the resources live events name; starts this worker's leased queue consumers. */
@Injectable()
export class EventsQueueWorker
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('events');
  worker?: Worker;
  private connection?: ReturnType<typeof createRedis>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ResourceRefreshService) private readonly refreshes: ResourceRefreshService,
    @Inject(LiveEventsSupervisor) private readonly supervisor: LiveEventsSupervisor,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = createRedis(this.config);
    this.supervisor.batchListeners.push((_stream, outcome) => this.metrics.liveEventBatch(outcome));
    const worker = new Worker(QUEUES.events, (job: Job) => this.refresh(job.data as RefreshJob), {
      connection: this.connection,
      prefix: queuePrefix(this.config),
      concurrency: 64,
    });
    worker.on('error', (err) => this.logger.error({ err }, 'events queue worker error'));
    worker.on('failed', (job, err) =>
      this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'refresh failed'),
    );
    this.worker = worker;
    if (this.config.LIVE_EVENTS_ENABLED) this.supervisor.start();
  }

  /** One refresh, measured: outcome, and the lag from the event to the inventory for written changes. */
  async refresh(job: RefreshJob): Promise<string> {
    try {
      const outcome = await this.refreshes.refresh(job);
      const lag =
        job.eventTime && WROTE.has(outcome) ? (Date.now() - Date.parse(job.eventTime)) / 1000 : undefined;
      this.metrics.liveEventRefresh(outcome, lag);
      return outcome;
    } catch (err) {
      this.metrics.liveEventRefresh('failed');
      throw err;
    }
  }

  /** First shutdown phase: the queue consumers stop and give their leases up to other workers. */
  async onModuleDestroy(): Promise<void> {
    await this.supervisor.stop();
  }

  /** Takes no new refreshes and lets the active ones finish, like the sync and delivery workers. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    const outcome = await drainQueueWorker(this.worker, this.config.SHUTDOWN_TIMEOUT_MS);
    this.logger.log({ component: 'queue-workers', queue: this.worker.name, outcome }, 'refreshes drained');
  }

  onApplicationShutdown(): void {
    // BullMQ closes only the connections it duplicated, not the one it was given.
    this.connection?.disconnect();
  }
}
