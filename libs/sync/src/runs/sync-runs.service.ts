import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, TallyError } from '@tally/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type PrismaClient, type SyncRun } from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { runJobOptions } from './sync-jobs';

// Requests for one connection queue on its row lock: wait for a pool connection longer than Prisma's 2 s default.
const TX_OPTIONS = { maxWait: 15_000, timeout: 15_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a connection cannot sync now, in words the customer can act on; null when it can. */
function syncRefusal(c: {
  status: string;
  paused: boolean;
  statusMessage?: string | null;
}): string | null {
  switch (c.status) {
    case 'pending':
      return 'The connection is not verified yet: deploy its CloudFormation stack, then call POST …/verify.';
    case 'error':
      return `The connection's last verification failed${c.statusMessage ? ` (${c.statusMessage})` : ''}: fix the AWS setup, then call POST …/verify again.`;
    case 'insecure':
      return "The role's trust policy accepts tokens of other connections: deploy the unmodified Tally stack, then call POST …/verify again.";
    case 'active':
      return c.paused
        ? 'The connection is paused: resume it (PATCH the connection with {"paused": false}) to sync.'
        : null;
    default:
      return `The connection is ${c.status}: it cannot sync.`;
  }
}

/** Creating runs: one queued-or-running run per connection at most. */
@Injectable()
export class SyncRunsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(JobQueueService) private readonly jobs: JobQueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates a run and enqueues it, or returns the connection's queued/running run. The connection
   * row is locked meanwhile, so concurrent requests (and the scheduler) never start two runs.
   * Throws NotFoundError, or TallyError `conflict` (409) when the connection cannot sync.
   */
  async requestRun(tenantId: string, connectionId: string, trigger: 'manual' | 'schedule'): Promise<SyncRun> {
    if (!UUID.test(tenantId) || !UUID.test(connectionId)) throw new NotFoundError('Connection');
    const { run, created } = await this.prisma.$transaction(async (tx) => {
      const [conn] = await tx.$queryRaw<{ status: string; paused: boolean; status_message: string | null }[]>`
        SELECT status::text AS status, paused, status_message FROM connections
        WHERE tenant_id = ${tenantId}::uuid AND id = ${connectionId}::uuid FOR UPDATE`;
      if (!conn) throw new NotFoundError('Connection');
      const refusal = syncRefusal({
        status: conn.status,
        paused: conn.paused,
        statusMessage: conn.status_message,
      });
      if (refusal) {
        const state = `status ${conn.status}${conn.paused ? ', paused' : ''}`;
        throw new TallyError('conflict', `The connection cannot sync (${state}).`, {
          kind: 'customer',
          remediation: refusal,
        });
      }
      const active = await tx.syncRun.findFirst({
        where: { tenantId, connectionId, status: { in: ['queued', 'running'] } },
        orderBy: { createdAt: 'desc' },
      });
      if (active) return { run: active, created: false };
      return { run: await tx.syncRun.create({ data: { tenantId, connectionId, trigger } }), created: true };
    }, TX_OPTIONS);
    // After commit: a job never sees an uncommitted run. A crash right here leaves a queued run
    // that the scheduler's repair pass re-enqueues.
    if (created)
      await this.jobs.enqueue('sync.run', { tenantId, runId: run.id }, runJobOptions(this.config, run.id));
    return run;
  }
}
