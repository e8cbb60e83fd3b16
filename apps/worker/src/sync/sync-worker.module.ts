import { Module } from '@nestjs/common';
import { SyncModule } from '@tally/sync';
import { SyncQueueWorker } from './sync-queue.worker';
import { SyncSchedulerCron } from './sync-scheduler.cron';

/** The sync processors and the scheduler tick (ScheduleModule.forRoot() is registered by WorkerModule). */
@Module({
  imports: [SyncModule],
  providers: [SyncQueueWorker, SyncSchedulerCron],
  exports: [SyncQueueWorker, SyncSchedulerCron],
})
export class SyncWorkerModule {}
