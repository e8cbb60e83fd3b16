export * from './jobs';
export * from './redis';
export { JobQueueService } from './job-queue.service';
export { JobsModule } from './jobs.module';
