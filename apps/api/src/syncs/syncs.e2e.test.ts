import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAudited, audits, suiteApi, type Suite } from '../test-support/api-harness';

// /v1/tenants/{t}/connections/{c}/syncs and /v1/tenants/{t}/syncs/{run} end to end.
describe('api /v1 syncs', () => {
  let { api, tenantId, tenantKey } = {} as Suite;
  let connectionId = '';
  suiteApi(async (suite) => {
    ({ api, tenantId, tenantKey } = suite);
    // A pending connection, paused: what a customer has before verifying.
    const made = await api.request('POST', `/v1/tenants/${tenantId}/connections`, {
      key: tenantKey,
      body: { name: 'prod', accountId: '123456789012', mode: 'account', regions: ['us-east-1'] },
    });
    connectionId = made.body.id;
    await api.request('PATCH', `/v1/tenants/${tenantId}/connections/${connectionId}`, {
      key: tenantKey,
      body: { paused: true },
    });
  });

  it('refuses to sync a connection that is not active, or paused; runs an active one (202, reused)', async () => {
    const syncs = `/v1/tenants/${tenantId}/connections/${connectionId}/syncs`;
    const refused = await api.request('POST', syncs, { key: tenantKey });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'conflict', 'the 409 the docs promise, never a 412');
    assert.equal(refused.body.detail, 'The connection cannot sync (status pending, paused).');
    assert.match(refused.body.remediation, /not verified yet/);
    await api.env.prisma.connection.update({ where: { id: connectionId }, data: { status: 'active' } });
    assert.equal((await api.request('POST', syncs, { key: tenantKey })).status, 409, 'still paused');
    const resumed = await api.request('PATCH', `/v1/tenants/${tenantId}/connections/${connectionId}`, {
      key: tenantKey,
      body: { paused: false },
    });
    assert.ok(resumed.body.nextSyncAt, 'resuming an active connection schedules it');

    const first = await api.request('POST', syncs, { key: tenantKey });
    assert.equal(first.status, 202, first.text);
    assert.equal(first.body.status, 'queued');
    assert.equal(first.body.trigger, 'manual');
    const second = await api.request('POST', syncs, { key: tenantKey });
    assert.equal(second.body.id, first.body.id, 'a queued run is reused');
    assert.equal(await api.env.prisma.syncRun.count({ where: { connectionId } }), 1);
    assert.equal((await audits(api, 'sync.request')).length, 2);

    const last = new Date(Date.now() - 30 * 60_000);
    await api.env.prisma.connection.update({ where: { id: connectionId }, data: { lastSyncAt: last } });
    const retimed = await api.request('PATCH', `/v1/tenants/${tenantId}/connections/${connectionId}`, {
      key: tenantKey,
      body: { syncIntervalMinutes: 120 },
    });
    assert.equal(
      new Date(retimed.body.nextSyncAt).getTime(),
      last.getTime() + 120 * 60_000,
      'a new interval counts from the last sync',
    );

    const list = await api.request('GET', syncs, { key: tenantKey });
    assert.deepEqual(
      list.body.items.map((r: { id: string }) => r.id),
      [first.body.id],
    );
  });

  it('answers a run with its tasks, counts, durations and errors', async () => {
    const [run] = await api.env.prisma.syncRun.findMany({ where: { connectionId } });
    const started = new Date(Date.now() - 5000);
    await api.env.prisma.syncRun.update({
      where: { id: run.id },
      data: {
        status: 'partial',
        startedAt: started,
        finishedAt: new Date(started.getTime() + 4000),
        tasksTotal: 2,
        tasksDone: 2,
        tasksFailed: 1,
        resourcesSeen: 3,
        created: 3,
      },
    });
    await api.env.prisma.syncTask.createMany({
      data: [
        {
          tenantId,
          runId: run.id,
          accountId: '123456789012',
          region: 'us-east-1',
          resourceType: 'AWS::S3::Bucket',
          status: 'succeeded',
          durationMs: 1200,
          resourcesSeen: 3,
          created: 3,
          pages: 1,
          apiCalls: 1,
        },
        {
          tenantId,
          runId: run.id,
          accountId: '123456789012',
          region: 'us-east-1',
          resourceType: 'AWS::EC2::Instance',
          status: 'denied',
          errorKind: 'customer',
          errorCode: 'AccessDeniedException',
          errorMessage: 'denied',
        },
      ],
    });
    const res = await api.request('GET', `/v1/tenants/${tenantId}/syncs/${run.id}`, { key: tenantKey });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'partial');
    assert.equal(res.body.durationMs, 4000);
    assert.equal(res.body.tasks.length, 2);
    const denied = res.body.tasks.find((t: { status: string }) => t.status === 'denied');
    assert.deepEqual(denied.error, { kind: 'customer', code: 'AccessDeniedException', message: 'denied' });
    assert.equal(res.body.tasks.find((t: { status: string }) => t.status === 'succeeded').durationMs, 1200);
  });
  it('audits each state-changing call with its actor and request id', async () => {
    await assertAudited(api, ['sync.request']);
  });
});
