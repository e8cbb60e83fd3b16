export {
  AttemptSupersededError,
  ResourceIngestRepository,
  type Db,
  type IngestScope,
  type IngestCounts,
  type SweepScope,
} from './ingest/resource-ingest.repository';
export { propertiesHash } from './ingest/properties-hash';
export { SyncRunsService } from './runs/sync-runs.service';
export { RunCompletion } from './runs/run-completion';
export {
  SyncPlannerService,
  ORGANIZATIONS_ACCOUNT_TYPE,
  ACCOUNT_RESOURCE_REGION,
  type PlanOutcome,
} from './plan/sync-planner.service';
export {
  SyncTaskService,
  type TaskExecution,
  type TaskJob,
  type Attempt,
  type ExecuteHooks,
  type Slot,
} from './task/sync-task.service';
export {
  SyncTaskRepository,
  type TaskEndStatus,
  type TaskError,
  type RunProgress,
  type TaskAttempt,
} from './task/sync-task.repository';
export { SyncFinisherService, type RunOutcome } from './finish/sync-finisher.service';
export { SchedulerRepository, type ClaimedRun } from './schedule/scheduler.repository';
export { SyncSchedulerService, type TickResult } from './schedule/sync-scheduler.service';
export { SyncRunRepairer, stalledRunMessage } from './schedule/sync-run.repairer';
export { AccountRegionLimiter, type LimiterLease } from './concurrency/account-region-limiter';
export { SyncModule, SyncRunsModule } from './sync.module';
