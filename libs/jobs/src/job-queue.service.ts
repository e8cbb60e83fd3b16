import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './jobs';
import { createRedis, queuePrefix } from './redis';

/** The only way into the queues: one typed `enqueue`. */
@Injectable()
export class JobQueueService implements OnApplicationShutdown {
  private readonly connection;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = createRedis(config, { lazyConnect: true });
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.config) });
      this.queues.set(name, queue);
    }
    return queue;
  }

  enqueue<N extends JobName>(name: N, data: JobPayloads[N], opts: JobsOptions = {}) {
    return this.queue(JOB_QUEUE[name]).add(name, data, opts);
  }

  /** Many jobs of one name in one Redis round trip (the scheduler and the run planner use it). */
  enqueueBulk<N extends JobName>(name: N, jobs: { data: JobPayloads[N]; opts?: JobsOptions }[]) {
    if (!jobs.length) return Promise.resolve([]);
    return this.queue(JOB_QUEUE[name]).addBulk(jobs.map((j) => ({ name, data: j.data, opts: j.opts })));
  }

  /** Closes the queues and their connection. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }

  /** Last shutdown phase: draining jobs and in-flight requests may still enqueue until then. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
