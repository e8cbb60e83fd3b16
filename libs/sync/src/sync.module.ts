import { Module } from '@nestjs/common';
import { AwsClients, AwsCredentialsModule, CloudControlCollector } from '@tally/aws';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { AccountRegionLimiter } from './concurrency/account-region-limiter';
import { SyncFinisherService } from './finish/sync-finisher.service';
import { ResourceIngestRepository } from './ingest/resource-ingest.repository';
import { AccountRepository } from './plan/account.repository';
import { SyncPlannerService } from './plan/sync-planner.service';
import { RunCompletion } from './runs/run-completion';
import { SyncRunsService } from './runs/sync-runs.service';
import { SchedulerRepository } from './schedule/scheduler.repository';
import { SyncRunRepairer } from './schedule/sync-run.repairer';
import { SyncSchedulerService } from './schedule/sync-scheduler.service';
import { SyncTaskRepository } from './task/sync-task.repository';
import { SyncTaskService } from './task/sync-task.service';

/** Requesting runs only (what the api needs). Needs the global Config, Db and Jobs modules. */
@Module({ providers: [SyncRunsService], exports: [SyncRunsService] })
export class SyncRunsModule {}

/** The whole pipeline (what the worker needs): planning, tasks, finishing, the scheduler's tick. */
@Module({
  imports: [AwsCredentialsModule, SyncRunsModule],
  providers: [
    ResourceIngestRepository,
    SyncTaskRepository,
    AccountRepository,
    SchedulerRepository,
    RunCompletion,
    SyncTaskService,
    SyncPlannerService,
    SyncFinisherService,
    SyncSchedulerService,
    SyncRunRepairer,
    {
      provide: CloudControlCollector,
      useFactory: (clients: AwsClients) => new CloudControlCollector(clients),
      inject: [AwsClients],
    },
    {
      provide: AccountRegionLimiter,
      useFactory: (c: AppConfig) => AccountRegionLimiter.fromConfig(c),
      inject: [APP_CONFIG],
    },
  ],
  exports: [
    SyncRunsModule,
    ResourceIngestRepository,
    SyncTaskService,
    SyncPlannerService,
    SyncFinisherService,
    SyncSchedulerService,
    SyncRunRepairer,
    AccountRegionLimiter,
    // Live-event refreshes call GetResource through the same clients and per-(account, region) pacers.
    CloudControlCollector,
  ],
})
export class SyncModule {}
