export * from './jobs';
export * from './redis';
export { drainQueueWorker } from './queue-worker';
export { JobQueueService } from './job-queue.service';
export { JobsModule } from './jobs.module';
export * from './job-repair';
export { checkEvictionPolicy, evictionPolicy, evictionProblem, RedisPolicyCheck } from './redis-policy';
export { RedisProbe } from './redis-probe';
