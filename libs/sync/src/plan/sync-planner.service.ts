import { Inject, Injectable } from '@nestjs/common';
import {
  AwsCallError,
  AwsClients,
  AwsCredentialsService,
  getResourceType,
  isSupportedResourceType,
  listOrganizationAccounts,
  SUPPORTED_RESOURCE_TYPES,
  type OrgAccount,
} from '@tally/aws';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type Connection, type PrismaClient, type SyncRun } from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { ResourceIngestRepository } from '../ingest/resource-ingest.repository';
import { RunCompletion } from '../runs/run-completion';
import { taskJobOptions } from '../runs/sync-jobs';
import { SyncFinisherService } from '../finish/sync-finisher.service';
import { toTaskError, type Attempt } from '../task/sync-task.service';
import { AccountRepository, type AccountSighting } from './account.repository';

/** Organization member accounts are resources of this type (what Port's mappings call the kind). */
export const ORGANIZATIONS_ACCOUNT_TYPE = 'AWS::Organizations::Account';
/** Accounts belong to no region. */
export const ACCOUNT_RESOURCE_REGION = 'global';

export type PlanOutcome = 'planned' | 'resumed' | 'failed' | 'ended' | 'missing';

type RunWithConnection = SyncRun & { connection: Connection };

export interface PlannedTask {
  accountId: string;
  region: string;
  resourceType: string;
}

/** The region account-scoped types (S3) are listed from: the home region when the connection covers it. */
export function listingRegion(regions: string[], home: string): string {
  return regions.includes(home) || regions.length === 0 ? home : regions[0];
}

/** One task per (account, region, type); account-scoped types once per account. */
export function planTasks(
  accounts: string[],
  regions: string[],
  types: string[],
  home: string,
): PlannedTask[] {
  const out: PlannedTask[] = [];
  for (const accountId of accounts) {
    for (const resourceType of types) {
      const scoped = getResourceType(resourceType).listScope === 'account';
      for (const region of scoped ? [listingRegion(regions, home)] : regions)
        out.push({ accountId, region, resourceType });
    }
  }
  return interleaveByAccountRegion(out);
}

/**
 * Orders tasks round-robin across (account, region), keeping each bucket's own order: consecutive
 * jobs then hit different throttle buckets instead of queueing behind one account's cap.
 */
export function interleaveByAccountRegion<T extends { accountId: string; region: string }>(tasks: T[]): T[] {
  const buckets = new Map<string, T[]>();
  for (const t of tasks) {
    const key = `${t.accountId}\u0000${t.region}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(t);
    else buckets.set(key, [t]);
  }
  const queues = [...buckets.values()];
  const out: T[] = [];
  for (let i = 0; out.length < tasks.length; i++) {
    for (const q of queues) if (i < q.length) out.push(q[i]);
  }
  return out;
}

/** Plans a run: discovers accounts, creates its tasks and enqueues them. Safe to run again. */
@Injectable()
export class SyncPlannerService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
    @Inject(AwsCredentialsService) private readonly credentials: AwsCredentialsService,
    @Inject(AwsClients) private readonly clients: AwsClients,
    @Inject(AccountRepository) private readonly accounts: AccountRepository,
    @Inject(ResourceIngestRepository) private readonly ingest: ResourceIngestRepository,
    @Inject(RunCompletion) private readonly completion: RunCompletion,
    @Inject(SyncFinisherService) private readonly finisher: SyncFinisherService,
  ) {}

  /** Throws (for BullMQ to retry) only on a transient discovery error with tries left. */
  async plan(job: { tenantId: string; runId: string }, attempt: Attempt): Promise<PlanOutcome> {
    const run = await this.prisma.syncRun.findFirst({
      where: { id: job.runId, tenantId: job.tenantId },
      include: { connection: true },
    });
    if (!run) return 'missing';
    if (run.status === 'running') return this.resume(run);
    if (run.status !== 'queued') return 'ended';
    let discovered: { accountIds: string[]; apiCalls: number };
    try {
      discovered = await this.discover(run);
    } catch (err) {
      const aws = err instanceof AwsCallError ? err : null;
      if ((!aws || aws.transient) && attempt.number < attempt.max) throw err;
      await this.finisher.fail(run, toTaskError(aws, err));
      return 'failed';
    }
    return this.createTasks(run, discovered);
  }

  /** Fails a run whose planning job BullMQ gave up on (e.g. stalled too often). */
  async abandon(job: { tenantId: string; runId: string }, message: string): Promise<void> {
    const run = await this.prisma.syncRun.findFirst({ where: { id: job.runId, tenantId: job.tenantId } });
    if (run?.status === 'queued') await this.finisher.fail(run, { kind: 'internal', code: null, message });
  }

  /** Accounts to sync now. Organization mode: every ListAccounts page, then ACTIVE ones only. */
  private async discover(run: RunWithConnection): Promise<{ accountIds: string[]; apiCalls: number }> {
    const c = run.connection;
    if (c.mode === 'account') {
      await this.accounts.upsertMany(run.tenantId, c.id, [
        { accountId: c.accountId, name: null, email: null, status: 'active' },
      ]);
      return { accountIds: [c.accountId], apiCalls: 0 };
    }
    const creds = this.credentialsFor(run, c.accountId);
    const listing = await listOrganizationAccounts(this.clients, creds, { accountId: c.accountId });
    const sightings: AccountSighting[] = listing.accounts.map((a) => ({
      accountId: a.id,
      name: a.name,
      email: a.email,
      status: a.status === 'ACTIVE' ? 'active' : 'suspended',
    }));
    await this.accounts.upsertMany(run.tenantId, c.id, sightings);
    await this.recordAccountResources(run, listing.accounts);
    // The listing is complete here (a failed page throws), so a missing account really left.
    const left = await this.accounts.markLeft(
      run.tenantId,
      c.id,
      listing.accounts.map((a) => a.id),
    );
    for (const accountId of left) {
      await this.ingest.deleteAccountResources({
        tenantId: run.tenantId,
        connectionId: c.id,
        accountId,
        runId: run.id,
      });
    }
    return {
      accountIds: sightings.filter((s) => s.status === 'active').map((s) => s.accountId),
      apiCalls: listing.apiCalls,
    };
  }

  /**
   * Each member account as a resource of type AWS::Organizations::Account (region `global`,
   * properties = the Organizations `Account` object), written like any collected resource: a new
   * account is `created`, a changed one (suspended, renamed) `updated`, with change rows for the feed.
   * An account that left is deleted with the rest of its resources (deleteAccountResources).
   */
  private async recordAccountResources(run: RunWithConnection, accounts: OrgAccount[]): Promise<void> {
    for (const a of accounts) {
      await this.ingest.upsertPage(
        {
          tenantId: run.tenantId,
          connectionId: run.connection.id,
          accountId: a.id,
          type: ORGANIZATIONS_ACCOUNT_TYPE,
          runId: run.id,
        },
        [
          {
            identifier: a.id,
            region: ACCOUNT_RESOURCE_REGION,
            arn: a.account.Arn ?? null,
            name: a.name,
            tags: {},
            relationships: [],
            properties: a.account,
          },
        ],
      );
    }
  }

  private async createTasks(
    run: RunWithConnection,
    discovered: { accountIds: string[]; apiCalls: number },
  ): Promise<PlanOutcome> {
    const c = run.connection;
    const types = (c.resourceTypes.length ? c.resourceTypes : SUPPORTED_RESOURCE_TYPES).filter(
      isSupportedResourceType,
    );
    const planned = planTasks(discovered.accountIds, c.regions, types, this.config.AWS_REGION);
    const started = await this.prisma.$transaction(async (tx) => {
      const moved = await tx.syncRun.updateMany({
        where: { id: run.id, tenantId: run.tenantId, status: 'queued' },
        data: {
          status: 'running',
          startedAt: new Date(),
          tasksTotal: planned.length,
          apiCalls: { increment: discovered.apiCalls },
        },
      });
      if (moved.count !== 1) return false;
      await tx.syncTask.createMany({
        data: planned.map((t) => ({ ...t, tenantId: run.tenantId, runId: run.id })),
        skipDuplicates: true,
      });
      return true;
    });
    if (!started) return 'ended';
    this.warmCredentials(run, discovered.accountIds);
    await this.enqueueOpenTasks(run);
    if (planned.length === 0) await this.completion.enqueueFinish(run.tenantId, run.id);
    return 'planned';
  }

  /**
   * Assumes every account's role now, while the tasks are being enqueued and picked up: in this
   * process their first calls then find the credentials cached. A failure is left for the tasks to
   * meet and report (the cache does not keep failures).
   */
  private warmCredentials(run: RunWithConnection, accountIds: string[]): void {
    for (const accountId of accountIds) this.credentialsFor(run, accountId)().catch(() => undefined);
  }

  /** The run's credentials for one account of its connection (cached per account by the service). */
  private credentialsFor(run: RunWithConnection, accountId: string) {
    const c = run.connection;
    return this.credentials.forAccount({
      tenantId: run.tenantId,
      connectionId: c.id,
      accountId,
      roleName: c.roleName,
      runId: run.id,
    });
  }

  /** A planned run whose planning job ran again (crash after commit): enqueue what has not ended. */
  private async resume(run: RunWithConnection): Promise<PlanOutcome> {
    await this.enqueueOpenTasks(run);
    await this.completion.check(run.tenantId, run.id);
    return 'resumed';
  }

  private async enqueueOpenTasks(run: SyncRun): Promise<void> {
    const open = await this.prisma.syncTask.findMany({
      where: { runId: run.id, tenantId: run.tenantId, status: { in: ['pending', 'running'] } },
      select: { id: true, accountId: true, region: true },
      orderBy: [{ accountId: 'asc' }, { region: 'asc' }, { resourceType: 'asc' }],
    });
    await this.jobs.enqueueBulk(
      'sync.task',
      interleaveByAccountRegion(open).map((t) => ({
        data: { tenantId: run.tenantId, runId: run.id, taskId: t.id },
        opts: taskJobOptions(this.config, t.id),
      })),
    );
  }
}
