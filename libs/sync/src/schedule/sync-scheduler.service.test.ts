import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@tally/db';
import { JobQueueService, JobRepairs, QUEUES } from '@tally/jobs';
import { Metrics } from '@tally/metrics';
import { createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
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
    scheduler,
    runs,
    close: async () => {
      await jobs.onModuleDestroy();
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
    const scheduler = new SyncSchedulerService(env.config, new SchedulerRepository(a.prisma), down, new JobRepairs());
    await assert.rejects(scheduler.tick(10), /redis down/);
    assert.equal(await env.prisma.syncRun.count({ where: { tenantId: t, status: 'queued' } }), 30);
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
