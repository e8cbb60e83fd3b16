import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DelayedError, Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import {
  createRedis,
  drainQueueWorker,
  QUEUES,
  queuePrefix,
  type JobName,
  type JobPayloads,
} from '@tally/jobs';
import {
  AccountRegionLimiter,
  SyncFinisherService,
  SyncPlannerService,
  SyncTaskService,
  type Attempt,
} from '@tally/sync';

type SyncJob = Job<JobPayloads[JobName], unknown, JobName>;

/** How long a task waits before trying again for a busy (account, region) slot. */
const BUSY_DELAY_MS = 500;

/** Which try a job is on, for processors that end things themselves on the last one. */
function attemptOf(job: Pick<Job, 'attemptsMade' | 'opts'>): Attempt {
  return { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
}

/**
 * The sync queue's BullMQ worker: SYNC_CONCURRENCY jobs at once per process, a task only when its
 * (account, region) has a free slot. Jobs carry ids; the services reload everything. On shutdown
 * it takes no new job and lets the active ones finish (up to SHUTDOWN_TIMEOUT_MS) before the last
 * phase closes the database and Redis connections they use.
 */
@Injectable()
export class SyncQueueWorker
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('sync');
  worker?: Worker;
  private connection?: ReturnType<typeof createRedis>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SyncPlannerService) private readonly planner: SyncPlannerService,
    @Inject(SyncTaskService) private readonly tasks: SyncTaskService,
    @Inject(SyncFinisherService) private readonly finisher: SyncFinisherService,
    @Inject(AccountRegionLimiter) private readonly limiter: AccountRegionLimiter,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = createRedis(this.config);
    const worker = new Worker(
      QUEUES.sync,
      (job: Job, token?: string) => this.process(job as SyncJob, token),
      {
        connection: this.connection,
        prefix: queuePrefix(this.config),
        concurrency: this.config.SYNC_CONCURRENCY,
        // A crashed worker's jobs come back after the lock lapses; a job may stall a few times
        // (e.g. repeated deploys) before BullMQ gives up on it.
        lockDuration: this.config.SYNC_LOCK_DURATION_MS,
        stalledInterval: Math.max(500, Math.floor(this.config.SYNC_LOCK_DURATION_MS / 2)),
        maxStalledCount: 3,
      },
    );
    worker.on('failed', (job, err) => void this.onFailed(job as SyncJob | undefined, err));
    worker.on('error', (err) => this.logger.error({ err }, 'sync queue worker error'));
    this.worker = worker;
    this.logger.log(
      {
        component: 'queue-workers',
        queues: [worker.name],
        concurrency: this.config.SYNC_CONCURRENCY,
        perAccountRegion: this.config.SYNC_ACCOUNT_REGION_CONCURRENCY,
        lockDurationMs: this.config.SYNC_LOCK_DURATION_MS,
        shutdownTimeoutMs: this.config.SHUTDOWN_TIMEOUT_MS,
      },
      'queue workers running',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    this.logger.log(
      { component: 'queue-workers', queue: this.worker.name },
      'taking no new jobs; finishing the active ones',
    );
    const outcome = await drainQueueWorker(this.worker, this.config.SHUTDOWN_TIMEOUT_MS);
    this.logger.log(
      { component: 'queue-workers', queue: this.worker.name, outcome },
      outcome === 'finished' ? 'active jobs finished' : 'active jobs returned to the queue',
    );
  }

  onApplicationShutdown(): void {
    // BullMQ closes only the connections it duplicated, not the one it was given.
    this.connection?.disconnect();
  }

  /** Dispatches one job by name. */
  async process(job: SyncJob, token?: string): Promise<unknown> {
    switch (job.name) {
      case 'sync.run':
        return this.planner.plan(job.data as JobPayloads['sync.run'], attemptOf(job));
      case 'sync.task':
        return this.task(job as Job<JobPayloads['sync.task']>, token);
      case 'sync.finish':
        return this.finisher.finish(job.data as JobPayloads['sync.finish']);
      default:
        throw new Error(`no handler for job ${String(job.name)}`);
    }
  }

  private async task(job: Job<JobPayloads['sync.task']>, token?: string): Promise<unknown> {
    const out = await this.tasks.execute(job.data, attemptOf(job), {
      slot: (accountId, region, holder) => this.limiter.tryAcquire(accountId, region, holder),
    });
    if (out !== 'busy') return out;
    // Not an attempt: back to the delayed set without counting against the task's tries.
    await job.moveToDelayed(Date.now() + BUSY_DELAY_MS + Math.floor(Math.random() * BUSY_DELAY_MS), token);
    throw new DelayedError();
  }

  /** A job BullMQ gave up on (tries exhausted or stalled too often): end its task so the run still finishes. */
  private async onFailed(job: SyncJob | undefined, err: Error): Promise<void> {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    this.logger.warn(
      { job: job.name, jobId: job.id, attempt: job.attemptsMade, final, err: err.message },
      'sync job failed',
    );
    if (!final) return;
    try {
      if (job.name === 'sync.task') {
        await this.tasks.abandon(
          job.data as JobPayloads['sync.task'],
          `The task could not complete: ${err.message}`,
        );
      } else if (job.name === 'sync.run') {
        await this.planner.abandon(
          job.data as JobPayloads['sync.run'],
          `The run could not be planned: ${err.message}`,
        );
      }
    } catch (cause) {
      this.logger.error({ err: cause, jobId: job.id }, 'could not record a failed sync job');
    }
  }
}
