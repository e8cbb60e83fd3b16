import { Inject, Injectable } from '@nestjs/common';
import {
  AwsCallError,
  AwsCredentialsService,
  classifyAwsError,
  type CallCount,
  CloudControlCollector,
  getResourceType,
  isSupportedResourceType,
} from '@tally/aws';
import { PrismaService, type PrismaClient } from '@tally/db';
import { Metrics } from '@tally/metrics';
import { AttemptSupersededError, ResourceIngestRepository } from '../ingest/resource-ingest.repository';
import { RunCompletion } from '../runs/run-completion';
import { SyncTaskRepository, type TaskEndStatus, type TaskError } from './sync-task.repository';

/**
 * What one execution of a task job did. `superseded`: a newer execution of the same task started
 * meanwhile (this one's writes were refused and it stopped).
 */
export type TaskExecution = TaskEndStatus | 'already-ended' | 'missing' | 'busy' | 'superseded';

/** A held concurrency slot. */
export interface Slot {
  release(): Promise<void>;
}

/** Hooks the worker provides: a per (account, region) slot; null = none free now (execute returns 'busy'). */
export interface ExecuteHooks {
  slot?(accountId: string, region: string, holder: string): Promise<Slot | null>;
}

export interface TaskJob {
  tenantId: string;
  runId: string;
  taskId: string;
}

/** Which try this is, so the last one ends the task as failed instead of asking for another. */
export interface Attempt {
  number: number;
  max: number;
}

type LoadedTask = NonNullable<Awaited<ReturnType<SyncTaskService['load']>>>;

class AlreadyEnded extends Error {}

/** Collects one (account, region, type) task: list, ingest page by page, sweep, end. */
@Injectable()
export class SyncTaskService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(AwsCredentialsService) private readonly credentials: AwsCredentialsService,
    @Inject(ResourceIngestRepository) private readonly ingest: ResourceIngestRepository,
    @Inject(SyncTaskRepository) private readonly tasks: SyncTaskRepository,
    @Inject(RunCompletion) private readonly completion: RunCompletion,
    @Inject(CloudControlCollector) private readonly collector: CloudControlCollector,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  /** Runs one attempt. Throws (for BullMQ to retry) only on a transient error with tries left. */
  async execute(job: TaskJob, attempt: Attempt, hooks: ExecuteHooks = {}): Promise<TaskExecution> {
    const task = await this.load(job);
    if (!task) return 'missing';
    if (!['pending', 'running'].includes(task.status) || !['queued', 'running'].includes(task.run.status)) {
      await this.completion.check(job.tenantId, task.runId);
      return 'already-ended';
    }
    if (!isSupportedResourceType(task.resourceType))
      return this.end(task, 'skipped', { error: unknownType(task.resourceType) });
    const slot = hooks.slot ? await hooks.slot(task.accountId, task.region, task.id) : null;
    if (hooks.slot && !slot) return 'busy';
    try {
      return await this.collect(task, attempt);
    } finally {
      await slot?.release();
    }
  }

  /** Ends a task whose job BullMQ gave up on outside `execute` (e.g. stalled too often). */
  async abandon(job: TaskJob, message: string): Promise<TaskExecution> {
    const task = await this.load(job);
    if (!task) return 'missing';
    return this.end(task, 'failed', { error: { kind: 'internal', code: null, message } });
  }

  private async collect(task: LoadedTask, attempt: Attempt): Promise<TaskExecution> {
    const job = { tenantId: task.tenantId };
    const started = await this.tasks.start(job.tenantId, task.id);
    if (!started) {
      await this.completion.check(job.tenantId, task.runId);
      return 'already-ended';
    }
    const { since, attempt: current } = started;
    // The SDK middleware counts every AWS call of the listing here; each write records what it
    // has counted since the last one.
    const calls: CallCount = { apiCalls: 0 };
    let counted = 0;
    const uncounted = () => {
      const n = calls.apiCalls - counted;
      counted += n;
      return n;
    };
    const counts = { ingested: 0, created: 0, updated: 0 };
    const pages = this.collector.collect(this.target(task, calls));
    try {
      for (;;) {
        // Backpressure: no next page while the database is behind (waiting pages are memory). Here,
        // between iterations, the task holds no page.
        await this.ingest.writable();
        const next = await pages.next();
        if (next.done) break;
        const page = next.value;
        const c = await this.ingest.upsertPage(
          { ...this.scope(task, current, uncounted()), observedAt: page.observedAt },
          page.resources,
        );
        counts.ingested += c.seen;
        counts.created += c.created;
        counts.updated += c.updated;
      }
    } catch (err) {
      await pages.return(undefined).catch(() => undefined); // a failed write: stop the listing too
      await this.tasks.addApiCalls(job.tenantId, task.id, uncounted());
      if (err instanceof AttemptSupersededError) return this.superseded();
      return this.failed(task, err, { ...attempt, current });
    }
    await this.tasks.addApiCalls(job.tenantId, task.id, uncounted());
    this.metrics.resources(task.resourceType, counts);
    return this.succeed(task, since, current);
  }

  /** The task with what it needs from its run and connection, tenant-scoped. */
  private load(job: TaskJob) {
    return this.prisma.syncTask.findFirst({
      where: { id: job.taskId, tenantId: job.tenantId, runId: job.runId },
      include: {
        run: {
          select: {
            status: true,
            connection: { select: { id: true, roleName: true, regions: true } },
          },
        },
      },
    });
  }

  private target(task: LoadedTask, calls: CallCount) {
    const c = task.run.connection;
    const assume = {
      tenantId: task.tenantId,
      connectionId: c.id,
      accountId: task.accountId,
      roleName: c.roleName,
      runId: task.runId,
    };
    return {
      def: getResourceType(task.resourceType),
      accountId: task.accountId,
      region: task.region,
      credentials: this.credentials.forAccount(assume),
      credentialsKey: `${task.tenantId}/${c.id}/${task.accountId}/${c.roleName}`,
      probeRegions: c.regions,
      calls,
    };
  }

  private scope(task: LoadedTask, attempt: number, apiCalls: number) {
    return {
      tenantId: task.tenantId,
      connectionId: task.run.connection.id,
      accountId: task.accountId,
      type: task.resourceType,
      runId: task.runId,
      taskId: task.id,
      attempt,
      apiCalls,
    };
  }

  /** Another execution of this task took over: leave everything to it. */
  private superseded(): TaskExecution {
    this.metrics.taskFinished('superseded');
    return 'superseded';
  }

  /** The listing was complete: sweep what it did not see and end the task, in one transaction. */
  private async succeed(task: LoadedTask, since: Date, attempt: number): Promise<TaskExecution> {
    const accountScoped = getResourceType(task.resourceType).listScope === 'account';
    try {
      const progress = await this.prisma.$transaction(async (tx) => {
        const deleted = await this.ingest.sweep(
          {
            tenantId: task.tenantId,
            connectionId: task.run.connection.id,
            accountId: task.accountId,
            type: task.resourceType,
            region: accountScoped ? null : task.region,
            runId: task.runId,
            since,
          },
          tx,
        );
        this.metrics.resources(task.resourceType, { deleted });
        const key = { tenantId: task.tenantId, taskId: task.id, attempt };
        const p = await this.tasks.end(tx, key, 'succeeded', { deleted });
        if (!p) throw new AlreadyEnded();
        return p;
      });
      this.metrics.taskFinished('succeeded');
      await this.completion.afterTaskEnded(task.tenantId, progress);
      return 'succeeded';
    } catch (err) {
      if (!(err instanceof AlreadyEnded)) throw err;
      await this.completion.check(task.tenantId, task.runId);
      return 'already-ended';
    }
  }

  /** Classifies a failed listing: unsupported / denied end at once, transient ones retry while tries remain. */
  private async failed(
    task: LoadedTask,
    err: unknown,
    attempt: Attempt & { current: number },
  ): Promise<TaskExecution> {
    const aws = err instanceof AwsCallError ? err : isAwsLike(err) ? classifyAwsError(err) : null;
    if (aws?.reason === 'unsupported') {
      return this.end(task, 'unsupported', {
        attempt: attempt.current,
        error: {
          kind: 'internal',
          code: aws.awsCode ?? 'UnsupportedActionException',
          message: `${task.resourceType} is not supported by Cloud Control in ${task.region}`,
        },
      });
    }
    const error = toTaskError(aws, err);
    if (aws?.reason === 'access_denied') return this.end(task, 'denied', { error, attempt: attempt.current });
    const retryable = !aws || aws.kind !== 'customer';
    if (retryable && attempt.number < attempt.max) {
      await this.tasks.attemptFailed(task.tenantId, task.id, attempt.current, error);
      if (aws?.reason === 'throttled') this.metrics.taskFinished('throttled-retry');
      throw err;
    }
    return this.end(task, 'failed', { error, attempt: attempt.current });
  }

  /** Ends the task; with `attempt`, only while that attempt is still the task's current one. */
  private async end(
    task: LoadedTask,
    status: TaskEndStatus,
    outcome: { error?: TaskError | null; attempt?: number },
  ): Promise<TaskExecution> {
    const progress = await this.tasks.end(
      this.prisma,
      { tenantId: task.tenantId, taskId: task.id, attempt: outcome.attempt },
      status,
      outcome,
    );
    if (!progress) {
      await this.completion.check(task.tenantId, task.runId);
      return 'already-ended';
    }
    this.metrics.taskFinished(status);
    await this.completion.afterTaskEnded(task.tenantId, progress);
    return status;
  }
}

function isAwsLike(err: unknown): boolean {
  return !!err && typeof err === 'object' && '$metadata' in err;
}

function unknownType(type: string): TaskError {
  return { kind: 'internal', code: null, message: `Tally does not collect ${type}` };
}

/** The error as stored on the task: classified AWS errors keep their code and remediation. */
export function toTaskError(aws: AwsCallError | null, err: unknown): TaskError {
  if (aws) {
    const message = aws.remediation ? `${aws.message}. ${aws.remediation}` : aws.message;
    return { kind: aws.kind, code: aws.awsCode ?? aws.reason, message: message.slice(0, 2000) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', code: null, message: `Internal error: ${message}`.slice(0, 2000) };
}
