export * from './jobs';
export * from './redis';
export { drainQueueWorker } from './queue-worker';
export { JobQueueService } from './job-queue.service';
export { JobsModule } from './jobs.module';
