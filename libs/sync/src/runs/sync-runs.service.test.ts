import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TallyError } from '@tally/common';
import { JobQueueService, QUEUES } from '@tally/jobs';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { SyncRunsService } from './sync-runs.service';
import { runJobId } from './sync-jobs';

describe('SyncRunsService.requestRun', () => {
  let env: TestEnvironment;
  let jobs: JobQueueService;
  let service: SyncRunsService;
  let tenantId: string;

  before(async () => {
    env = await createTestEnvironment();
    jobs = new JobQueueService(env.config);
    service = new SyncRunsService(env.prisma, jobs, env.config);
    tenantId = (await createTenant(env.prisma)).id;
  });
  after(async () => {
    await jobs.queue(QUEUES.sync).obliterate({ force: true });
    await jobs.onModuleDestroy();
    await env.close();
  });

  async function refusal(p: Promise<unknown>): Promise<TallyError> {
    const err = await p.then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TallyError);
    return err;
  }

  it('refuses a connection that is not active, or paused, saying what to do', async () => {
    const pending = await createConnection(env.prisma, tenantId);
    const e1 = await refusal(service.requestRun(tenantId, pending.id, 'manual'));
    assert.equal(e1.code, 'conflict', 'the 409 the API documents');
    assert.match(e1.message, /status pending/);
    assert.match(e1.details.remediation ?? '', /verify/);
    const paused = await createConnection(env.prisma, tenantId, { status: 'active', paused: true });
    const e2 = await refusal(service.requestRun(tenantId, paused.id, 'manual'));
    assert.equal(e2.code, 'conflict');
    assert.match(e2.message, /paused/);
    assert.match(e2.details.remediation ?? '', /resume it/);
    assert.equal(await env.prisma.syncRun.count(), 0);
  });

  it("another tenant's connection is not found", async () => {
    const other = await createTenant(env.prisma);
    const c = await createConnection(env.prisma, other.id, { status: 'active' });
    const err = await refusal(service.requestRun(tenantId, c.id, 'manual'));
    assert.equal(err.code, 'not_found');
    assert.equal((await refusal(service.requestRun(tenantId, 'not-a-uuid', 'manual'))).code, 'not_found');
  });

  it('creates and enqueues one run; concurrent and later requests get the same run', async () => {
    const c = await createConnection(env.prisma, tenantId, { status: 'active' });
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => service.requestRun(tenantId, c.id, 'manual')),
    );
    assert.equal(new Set(runs.map((r) => r.id)).size, 1);
    assert.equal(runs[0].status, 'queued');
    assert.equal(runs[0].trigger, 'manual');
    const job = await jobs.queue(QUEUES.sync).getJob(runJobId(runs[0].id));
    assert.equal(job?.name, 'sync.run');
    assert.deepEqual(job?.data, { tenantId, runId: runs[0].id });
    await env.prisma.syncRun.update({ where: { id: runs[0].id }, data: { status: 'running' } });
    assert.equal((await service.requestRun(tenantId, c.id, 'manual')).id, runs[0].id);
    await env.prisma.syncRun.update({ where: { id: runs[0].id }, data: { status: 'succeeded' } });
    const next = await service.requestRun(tenantId, c.id, 'manual');
    assert.notEqual(next.id, runs[0].id);
  });
});
