import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@tally/db';
import { JobQueueService, JobRepairs, QUEUES } from '@tally/jobs';
import { Metrics } from '@tally/metrics';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { SyncRunsService } from '../runs/sync-runs.service';
import { SchedulerRepository } from './scheduler.repository';
import { SyncRunRepairer } from './sync-run.repairer';
import { SyncSchedulerService } from './sync-scheduler.service';

/** One "worker replica": its own database pool and Redis connection. */
function replica(env: TestEnvironment) {
  const prisma = createPrismaClient(env.db.url, 4);
  const jobs = new JobQueueService(env.config);
  const repo = new SchedulerRepository(prisma);
  const repairs = new JobRepairs();
  const metrics = new Metrics({ defaultMetrics: false });
  new SyncRunRepairer(env.config, repo, jobs, repairs, metrics).onModuleInit();
  const scheduler = new SyncSchedulerService(env.config, repo, jobs, repairs);
  const runs = new SyncRunsService(prisma, jobs, env.config);
  return {
    prisma,
    jobs,
    metrics,
    scheduler,
    runs,
    close: async () => {
      await jobs.close();
      await prisma.$disconnect();
    },
  };
}

async function insertConnections(
  prisma: PrismaClient,
  tenantId: string,
  n: number,
  extra = "status = 'active'",
) {
  await prisma.$executeRawUnsafe(
    `INSERT INTO connections (tenant_id, name, account_id, mode, regions, resource_types, role_name, status, next_sync_at)
     SELECT $1::uuid, 'c' || g, lpad(g::text, 12, '0'), 'account', '{us-east-1}', '{}', 'TallyReadOnly', 'active', now() - interval '1 minute'
     FROM generate_series(1, $2::int) g`,
    tenantId,
    n,
  );
  if (extra)
    await prisma.$executeRawUnsafe(`UPDATE connections SET ${extra} WHERE tenant_id = $1::uuid`, tenantId);
}

describe('SyncSchedulerService', () => {
  let env: TestEnvironment;
  let a: ReturnType<typeof replica>;
  let b: ReturnType<typeof replica>;
  let tenantId: string;

  before(async () => {
    env = await createTestEnvironment();
    a = replica(env);
    b = replica(env);
    tenantId = (await createTenant(env.prisma)).id;
  });
  after(async () => {
    await a.jobs.queue(QUEUES.sync).obliterate({ force: true });
    await a.close();
    await b.close();
    await env.close();
  });

  it('two schedulers ticking at once start exactly one run per due connection', async () => {
    await insertConnections(env.prisma, tenantId, 300);
    const other = (await createTenant(env.prisma)).id;
    await insertConnections(env.prisma, other, 3, 'paused = true');
    const pending = (await createTenant(env.prisma)).id;
    await insertConnections(env.prisma, pending, 3, "status = 'pending'");
    const future = (await createTenant(env.prisma)).id;
    await insertConnections(env.prisma, future, 3, "next_sync_at = now() + interval '1 hour'");

    const [ra, rb] = await Promise.all([a.scheduler.tick(40), b.scheduler.tick(40)]);
    assert.equal(ra.started + rb.started, 300);
    assert.ok(ra.started > 0 && rb.started > 0, `both replicas took a share (${ra.started}/${rb.started})`);
    const perConnection = await env.prisma.syncRun.groupBy({ by: ['connectionId'], _count: true });
    assert.equal(perConnection.length, 300);
    assert.ok(perConnection.every((g) => g._count === 1));
    assert.equal(
      await env.prisma.syncRun.count({ where: { tenantId: { in: [other, pending, future] } } }),
      0,
    );
    const counts = await a.jobs.queue(QUEUES.sync).getJobCounts('waiting');
    assert.equal(counts.waiting, 300);
    const due = await env.prisma.connection.count({ where: { tenantId, nextSyncAt: { lte: new Date() } } });
    assert.equal(due, 0, 'next_sync_at moved one interval ahead');
  });

  it('a connection whose run is still queued or running gets no second run; manual requests return it', async () => {
    await env.prisma.connection.updateMany({
      where: { tenantId },
      data: { nextSyncAt: new Date(Date.now() - 1000) },
    });
    const connections = await env.prisma.connection.findMany({
      where: { tenantId },
      take: 20,
      select: { id: true },
    });
    const [ticks, manual] = await Promise.all([
      Promise.all([a.scheduler.tick(25), b.scheduler.tick(25)]),
      Promise.all(connections.map((c, i) => (i % 2 ? a : b).runs.requestRun(tenantId, c.id, 'manual'))),
    ]);
    assert.equal(ticks[0].started + ticks[1].started, 0);
    assert.equal(ticks[0].claimed + ticks[1].claimed, 300);
    assert.equal(await env.prisma.syncRun.count({ where: { tenantId } }), 300);
    assert.ok(
      manual.every((r) => r.trigger === 'schedule'),
      'the queued scheduled run is returned',
    );
  });

  it('never-scheduled connections (next_sync_at NULL) are due and claimed first', async () => {
    const t = (await createTenant(env.prisma)).id;
    await insertConnections(env.prisma, t, 6);
    const never = await env.prisma.connection.findMany({
      where: { tenantId: t },
      take: 3,
      select: { id: true },
    });
    await env.prisma.connection.updateMany({
      where: { id: { in: never.map((c) => c.id) } },
      data: { nextSyncAt: null },
    });
    const repo = new SchedulerRepository(a.prisma);
    const first = await repo.claimDue(3);
    assert.equal(first.claimed, 3);
    const runs = await env.prisma.syncRun.findMany({
      where: { id: { in: first.runs.map((r) => r.runId) } },
      select: { connectionId: true },
    });
    assert.deepEqual(runs.map((r) => r.connectionId).sort(), never.map((c) => c.id).sort());
    assert.equal((await repo.claimDue(10)).claimed, 3, 'then the overdue ones');
    assert.equal(await env.prisma.connection.count({ where: { tenantId: t, nextSyncAt: null } }), 0);
  });

  it('a failed enqueue fails the tick without an unhandled rejection; its runs stay queued for repair', async () => {
    const t = (await createTenant(env.prisma)).id;
    await insertConnections(env.prisma, t, 30);
    const down = Object.assign(Object.create(a.jobs) as JobQueueService, {
      enqueueBulk: () => Promise.reject(new Error('redis down')),
    });
    const scheduler = new SyncSchedulerService(
      env.config,
      new SchedulerRepository(a.prisma),
      down,
      new JobRepairs(),
    );
    await assert.rejects(scheduler.tick(10), /redis down/);
    assert.equal(await env.prisma.syncRun.count({ where: { tenantId: t, status: 'queued' } }), 30);
  });

  /** A running run with `n` tasks, some ended, whose last progress was `idleMinutes` ago. */
  async function runningRun(n: number, ended: number, idleMinutes: number) {
    const t = (await createTenant(env.prisma)).id;
    const conn = await createConnection(env.prisma, t, {
      status: 'active',
      nextSyncAt: new Date(Date.now() + 3600_000),
    });
    const ago = new Date(Date.now() - idleMinutes * 60_000);
    const run = await env.prisma.syncRun.create({
      data: {
        tenantId: t,
        connectionId: conn.id,
        trigger: 'schedule',
        status: 'running',
        startedAt: ago,
        tasksTotal: n,
        tasksDone: ended,
      },
    });
    await env.prisma.syncTask.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        tenantId: t,
        runId: run.id,
        accountId: conn.accountId,
        region: 'us-east-1',
        resourceType: `AWS::Test::T${i}`,
        status: i < ended ? ('succeeded' as const) : i % 2 ? ('running' as const) : ('pending' as const),
        progressAt: ago,
      })),
    });
    const tasks = await env.prisma.syncTask.findMany({
      where: { runId: run.id },
      orderBy: { resourceType: 'asc' },
    });
    return { tenantId: t, conn, run, tasks };
  }

  it('a running run whose task jobs Redis lost gets them back from PostgreSQL, once', async () => {
    const queue = a.jobs.queue(QUEUES.sync);
    const { run, tasks } = await runningRun(6, 2, 5);
    const open = tasks.filter((t) => !['succeeded'].includes(t.status));
    // One open task's job "completed" while the task did not end (its outcome was lost): replaced.
    await queue.add(
      'sync.task',
      { tenantId: run.tenantId, runId: run.id, taskId: open[0].id },
      { jobId: `task-${open[0].id}` },
    );
    const job = await queue.getJob(`task-${open[0].id}`);
    await job!.moveToCompleted('lost', 'not-a-worker-token', false).catch(() => job!.remove());
    const repaired = await a.scheduler.repair();
    assert.ok(repaired >= 4, `repairs: ${repaired}`);
    for (const t of open) {
      const state = await queue.getJobState(`task-${t.id}`);
      assert.ok(['waiting', 'prioritized'].includes(state), `task-${t.id} is ${state}`);
    }
    for (const t of tasks.filter((x) => x.status === 'succeeded'))
      assert.equal(await queue.getJobState(`task-${t.id}`), 'unknown', 'ended tasks get no job');
    const again = await b.scheduler.repair();
    const waiting = await queue.getJobs(['waiting']);
    assert.equal(
      waiting.filter((j) => (j.data as { runId: string }).runId === run.id).length,
      open.length,
      `a second pass adds nothing (${again})`,
    );
    assert.match(
      await a.metrics.registry.metrics(),
      /tally_repairs_total\{kind="sync-run",action="reenqueued"\} [4-9]/,
    );
    assert.equal((await env.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).status, 'running');
    await queue.drain();
  });

  it('a run without progress past SYNC_RUN_STALL_MINUTES ends failed with the reason; the next tick starts a new run', async () => {
    const { tenantId: t, conn, run } = await runningRun(5, 1, 45);
    await a.scheduler.repair();
    const ended = await env.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    assert.equal(ended.status, 'failed');
    assert.equal(ended.errorCode, 'run_stalled');
    assert.match(
      ended.errorMessage ?? '',
      /^No progress for 30 minutes: 4 of its 5 tasks never ended\. .*Redis.*next scheduled time/,
    );
    assert.equal(ended.tasksDone, 5);
    assert.equal(ended.tasksFailed, 4);
    assert.equal(
      await env.prisma.syncTask.count({ where: { runId: run.id, status: { in: ['pending', 'running'] } } }),
      0,
    );
    assert.ok((await env.prisma.connection.findUniqueOrThrow({ where: { id: conn.id } })).lastSyncAt);
    await env.prisma.connection.update({
      where: { id: conn.id },
      data: { nextSyncAt: new Date(Date.now() - 1000) },
    });
    await a.scheduler.tick();
    const next = await env.prisma.syncRun.findFirst({ where: { tenantId: t, id: { not: run.id } } });
    assert.equal(next?.status, 'queued', 'the connection is not stuck: its next run started');
    assert.match(
      await a.metrics.registry.metrics(),
      /tally_repairs_total\{kind="sync-run",action="abandoned"\} 1/,
    );
    await a.jobs.queue(QUEUES.sync).drain();
  });

  it('claims and enqueues 10,000 due connections in one tick (timed)', async () => {
    const big = (await createTenant(env.prisma)).id;
    await insertConnections(env.prisma, big, 10_000);
    const started = Date.now();
    const r = await a.scheduler.tick();
    const ms = Date.now() - started;
    assert.equal(r.started, 10_000);
    assert.equal(await env.prisma.syncRun.count({ where: { tenantId: big } }), 10_000);
    console.log(`# scheduler: 10,000 due connections claimed, runs created and enqueued in ${ms} ms`);
    assert.ok(ms < 15_000, `tick took ${ms} ms`);
  });
});
