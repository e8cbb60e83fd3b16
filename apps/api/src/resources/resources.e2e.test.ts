import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createResource } from '@tally/testing';
import { suiteApi, type Suite } from '../test-support/api-harness';

// /v1/tenants/{t}/resources and /summary end to end over HTTP against a real PostgreSQL.
describe('api /v1 resources and summary', () => {
  let { api, tenantId, tenantKey } = {} as Suite;
  let connectionId = '';
  suiteApi(async (suite) => {
    ({ api, tenantId, tenantKey } = suite);
    // An active, scheduled connection whose last run was partial, and a pending one.
    const active = await createConnection(api.env.prisma, tenantId, {
      accountId: '123456789012',
      status: 'active',
      nextSyncAt: new Date(Date.now() + 3600_000),
    });
    connectionId = active.id;
    await createConnection(api.env.prisma, tenantId);
    await api.env.prisma.syncRun.create({
      data: {
        tenantId,
        connectionId,
        trigger: 'manual',
        status: 'partial',
        tasksTotal: 2,
        tasksDone: 2,
        tasksFailed: 1,
      },
    });
  });

  it('lists resources with filters and cursor pagination, in the normalized shape', async () => {
    const conn = { id: connectionId, tenantId, accountId: '123456789012' };
    const made = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await createResource(api.env.prisma, conn, {
          identifier: `bucket-${i}`,
          name: `Bucket-${i}`,
          arn: `arn:aws:s3:::bucket-${i}`,
          region: i < 5 ? 'us-east-1' : 'eu-west-1',
          tags: { env: i % 2 ? 'prod' : 'dev', team: 'a' },
          properties: { BucketName: `bucket-${i}`, Tags: [{ Key: 'env', Value: i % 2 ? 'prod' : 'dev' }] },
          ...(i === 6 ? { deletedAt: new Date() } : {}),
        }),
      );
    }
    await createResource(api.env.prisma, conn, {
      type: 'AWS::EC2::Instance',
      identifier: 'i-0abc',
      name: 'web',
      arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc',
      tags: {},
    });
    const base = `/v1/tenants/${tenantId}/resources`;
    const get = (q: string) => api.request('GET', `${base}${q}`, { key: tenantKey });

    const all = await get('');
    assert.equal(all.body.items.length, 7, 'deleted resources are hidden by default');
    const r = all.body.items[0];
    assert.deepEqual(
      Object.keys(r).sort(),
      [
        'accountId',
        'arn',
        'deletedAt',
        'firstSeenAt',
        'id',
        'identifier',
        'lastSeenAt',
        'name',
        'properties',
        'provider',
        'region',
        'relationships',
        'tags',
        'type',
        'updatedAt',
      ].sort(),
    );
    assert.equal(r.provider, 'aws');
    const ids = all.body.items.map((x: { id: string }) => x.id);
    assert.deepEqual(ids, [...ids].sort(), 'stable id order');

    assert.equal((await get('?includeDeleted=true')).body.items.length, 8);
    assert.equal((await get('?type=AWS::EC2::Instance')).body.items.length, 1);
    assert.equal((await get('?region=eu-west-1')).body.items.length, 1);
    assert.equal((await get('?accountId=123456789012')).body.items.length, 7);
    assert.equal((await get('?accountId=999999999999')).body.items.length, 0);
    assert.equal((await get('?q=BUCKET-3')).body.items.length, 1, 'q is case-insensitive on the name');
    assert.equal((await get('?q=i-0ab')).body.items.length, 1, 'q matches the identifier');
    assert.equal((await get('?q=instance%2Fi-0abc')).body.items.length, 1, 'q matches the ARN');
    assert.equal((await get('?tag=env:prod')).body.items.length, 3);
    assert.equal((await get('?tag=env:prod&tag=team:a')).body.items.length, 3);
    assert.equal((await get('?tag=env:prod&tag=team:b')).body.items.length, 0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await get(
        `?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.ok(page.body.items.length <= 3);
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ids, 'pages walk the whole list once, in order');

    const stored = made[1];
    const detail = await api.request('GET', `${base}/${stored.id}`, { key: tenantKey });
    assert.deepEqual(detail.body.properties, stored.properties, 'properties exactly as stored');
    assert.deepEqual(detail.body.tags, { env: 'prod', team: 'a' });
  });

  it('answers a resource with its changes, newest first', async () => {
    const resource = await api.env.prisma.resource.findFirstOrThrow({
      where: { tenantId, identifier: 'bucket-2' },
    });
    const t = Date.now();
    await api.env.prisma.resourceChange.createMany({
      data: [
        { tenantId, resourceId: resource.id, kind: 'created', at: new Date(t - 2000), changedFields: [] },
        {
          tenantId,
          resourceId: resource.id,
          kind: 'updated',
          at: new Date(t - 1000),
          changedFields: ['Tags'],
        },
      ],
    });
    const res = await api.request('GET', `/v1/tenants/${tenantId}/resources/${resource.id}`, {
      key: tenantKey,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.changes.map((c: { kind: string }) => c.kind),
      ['updated', 'created'],
    );
    assert.deepEqual(res.body.changes[0].changedFields, ['Tags']);
    assert.deepEqual(Object.keys(res.body.changes[0]).sort(), ['at', 'changedFields', 'kind', 'runId']);
  });

  it('summarizes the inventory', async () => {
    const res = await api.request('GET', `/v1/tenants/${tenantId}/summary`, { key: tenantKey });
    assert.equal(res.status, 200);
    assert.equal(res.body.resources.total, 7);
    assert.equal(res.body.resources.byType['AWS::S3::Bucket'], 6);
    assert.equal(res.body.resources.byType['AWS::EC2::Instance'], 1);
    assert.equal(res.body.resources.byRegion['eu-west-1'], 1);
    assert.equal(res.body.resources.byAccount['123456789012'], 7);
    assert.equal(res.body.connections.total, 2);
    assert.equal(res.body.connections.byStatus.active, 1);
    assert.equal(res.body.lastRun.status, 'partial');
    assert.ok(res.body.nextRunAt);
    assert.deepEqual(res.body.errors, { connections: 0, failedRuns: 1, failedTasks: 1 });
  });
});
