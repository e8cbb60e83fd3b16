import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { createResource } from '@tally/testing';
import { hashApiKey } from '@tally/tenancy';
import { startApi, type ApiHarness } from './test-support/api-harness';

// Every /v1 route end to end over HTTP against a real PostgreSQL, plus keys, audit and OpenAPI.
describe('api /v1 end to end', () => {
  let api: ApiHarness;
  let tenantId: string;
  let tenantKey: string;
  let connectionId: string;

  before(async () => {
    api = await startApi();
  });
  after(async () => {
    await api?.close();
  });

  const audits = (action: string) =>
    api.env.prisma.auditEvent.findMany({ where: { action }, orderBy: { at: 'asc' } });

  it('creates, lists and gets tenants (admin)', async () => {
    const created = await api.request('POST', '/v1/tenants', { body: { name: '  Acme Corp ' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Acme Corp');
    tenantId = created.body.id;
    await api.request('POST', '/v1/tenants', { body: { name: 'Beta' } });

    const list = await api.request('GET', '/v1/tenants?limit=1');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.ok(list.body.nextCursor);
    const page2 = await api.request('GET', `/v1/tenants?limit=1&cursor=${list.body.nextCursor}`);
    assert.equal(page2.body.items.length, 1);
    assert.notEqual(page2.body.items[0].id, list.body.items[0].id);
    assert.equal(page2.body.nextCursor, null);

    const one = await api.request('GET', `/v1/tenants/${tenantId}`);
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.body).sort(), ['createdAt', 'id', 'name', 'updatedAt']);

    const [event] = await audits('tenant.create');
    assert.equal(event.targetId, tenantId);
    assert.ok(event.actorKeyId, 'the admin key is recorded as the actor');
    assert.ok(event.requestId, 'the request id is recorded');
  });

  it('creates a tenant key shown once, stored only as a hash, listed without secrets', async () => {
    const res = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, { body: { name: 'ci' } });
    assert.equal(res.status, 201);
    tenantKey = res.body.key;
    assert.match(tenantKey, /^tly_[A-Za-z0-9_-]{43,}$/);
    assert.equal(res.body.role, 'tenant');
    assert.equal(res.body.prefix, tenantKey.slice(0, res.body.prefix.length));

    const row = await api.env.prisma.apiKey.findUniqueOrThrow({ where: { id: res.body.id } });
    assert.equal(row.hash, hashApiKey(tenantKey));
    const dump = JSON.stringify(await api.env.prisma.$queryRawUnsafe('SELECT * FROM api_keys'));
    assert.ok(!dump.includes(tenantKey), 'the database never holds a key');
    assert.ok(!dump.includes(api.adminKey), 'nor the bootstrap admin key');
    const audit = JSON.stringify(await api.env.prisma.auditEvent.findMany());
    assert.ok(!audit.includes(tenantKey.slice(12)), 'the audit log never holds a key');

    const list = await api.request('GET', `/v1/tenants/${tenantId}/api-keys`, { key: tenantKey });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].key, undefined);
    assert.equal(list.body.items[0].hash, undefined);
    assert.ok(!list.text.includes(tenantKey));
  });

  it('lets a tenant key see only its own tenant', async () => {
    const list = await api.request('GET', '/v1/tenants', { key: tenantKey });
    assert.deepEqual(
      list.body.items.map((t: { id: string }) => t.id),
      [tenantId],
    );
    const make = await api.request('POST', '/v1/tenants', { key: tenantKey, body: { name: 'nope' } });
    assert.equal(make.status, 403);
    assert.equal(make.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('revokes keys (idempotently) and refuses them afterwards; honours expiry', async () => {
    const made = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, {
      key: tenantKey,
      body: { name: 'temp' },
    });
    assert.equal((await api.request('GET', `/v1/tenants/${tenantId}`, { key: made.body.key })).status, 200);
    const del = await api.request('DELETE', `/v1/tenants/${tenantId}/api-keys/${made.body.id}`, {
      key: tenantKey,
    });
    assert.equal(del.status, 204);
    const again = await api.request('DELETE', `/v1/tenants/${tenantId}/api-keys/${made.body.id}`, {
      key: tenantKey,
    });
    assert.equal(again.status, 204);
    const refused = await api.request('GET', `/v1/tenants/${tenantId}`, { key: made.body.key });
    assert.equal(refused.status, 401);
    assert.match(refused.body.detail, /revoked/);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="tally"');
    assert.equal((await audits('api_key.revoke')).length, 1);
    const listed = await api.request('GET', `/v1/tenants/${tenantId}/api-keys`);
    assert.ok(
      listed.body.items.find((k: { id: string; revokedAt: string }) => k.id === made.body.id).revokedAt,
    );

    const soon = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, {
      body: { name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    assert.equal(soon.status, 201);
    await api.env.prisma.apiKey.update({
      where: { id: soon.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await api.request('GET', `/v1/tenants/${tenantId}`, { key: soon.body.key });
    assert.equal(expired.status, 401);
    assert.match(expired.body.detail, /expired/);
  });

  it('creates a connection with its onboarding block', async () => {
    const res = await api.request('POST', `/v1/tenants/${tenantId}/connections`, {
      key: tenantKey,
      body: { name: 'prod', accountId: '123456789012', mode: 'account', regions: ['us-east-1', 'eu-west-1'] },
    });
    assert.equal(res.status, 201, res.text);
    connectionId = res.body.id;
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.roleName, 'TallyReadOnly');
    assert.equal(res.body.syncIntervalMinutes, 60);
    assert.ok(res.body.resourceTypes.includes('AWS::S3::Bucket'), 'omitted types mean every supported type');
    const { onboarding } = res.body;
    assert.equal(onboarding.roleArn, 'arn:aws:iam::123456789012:role/TallyReadOnly');
    assert.equal(onboarding.parameters.Subject, `tenant:${tenantId}:connection:${connectionId}`);
    assert.equal(onboarding.parameters.IssuerHost, '127.0.0.1:3000');
    assert.match(onboarding.cliCommand, /^aws cloudformation deploy/);
    assert.equal(onboarding.quickCreateUrl, undefined, 'no CFN_TEMPLATE_BASE_URL: no quick-create link');
    assert.equal((await audits('connection.create')).length, 1);
    assert.equal(res.body.homeRegion, 'us-east-1', 'default: the first of regions');
    assert.equal(res.body.liveEvents, true);
    assert.equal(onboarding.liveEvents.homeRegion, 'us-east-1');
    assert.deepEqual(
      onboarding.liveEvents.manualForwarders.map((f: { region: string }) => f.region),
      ['eu-west-1'],
    );
    const elsewhere = await api.request('POST', `/v1/tenants/${tenantId}/connections`, {
      key: tenantKey,
      body: {
        name: 'x',
        accountId: '123456789012',
        mode: 'account',
        regions: ['us-east-1'],
        homeRegion: 'eu-west-1',
      },
    });
    assert.equal(elsewhere.status, 400, elsewhere.text);
    assert.match(JSON.stringify(elsewhere.body.errors), /homeRegion.*must be one of regions/);
    const home = await api.request('POST', `/v1/tenants/${tenantId}/connections`, {
      key: tenantKey,
      body: {
        name: 'eu',
        accountId: '123456789012',
        mode: 'account',
        regions: ['us-east-1', 'eu-west-1'],
        homeRegion: 'eu-west-1',
        liveEvents: false,
      },
    });
    assert.equal(home.status, 201, home.text);
    assert.equal(home.body.homeRegion, 'eu-west-1');
    assert.equal(home.body.onboarding.parameters.EnableLiveEvents, 'false');
    assert.match(home.body.onboarding.cliCommand, /--region eu-west-1/);
    const dropHome = await api.request('PATCH', `/v1/tenants/${tenantId}/connections/${home.body.id}`, {
      key: tenantKey,
      body: { regions: ['us-east-1'] },
    });
    assert.equal(dropHome.status, 400, dropHome.text);
    await api.env.prisma.connection.delete({ where: { id: home.body.id } });

    const org = await api.request('POST', `/v1/tenants/${tenantId}/connections`, {
      key: tenantKey,
      body: {
        name: 'org',
        accountId: '210987654321',
        mode: 'organization',
        regions: ['us-east-1'],
        resourceTypes: ['AWS::S3::Bucket'],
        syncIntervalMinutes: 5,
        roleName: 'Custom.Role@x',
      },
    });
    assert.equal(org.status, 201, org.text);
    assert.deepEqual(org.body.resourceTypes, ['AWS::S3::Bucket']);
    assert.equal(org.body.onboarding.roleArn, 'arn:aws:iam::210987654321:role/Custom.Role@x');
  });

  it('lists, gets and patches connections', async () => {
    const list = await api.request('GET', `/v1/tenants/${tenantId}/connections?limit=500`, {
      key: tenantKey,
    });
    assert.equal(list.body.items.length, 2);
    const one = await api.request('GET', `/v1/tenants/${tenantId}/connections/${connectionId}`, {
      key: tenantKey,
    });
    assert.equal(one.body.name, 'prod');
    assert.ok(one.body.onboarding.parameters);

    const patched = await api.request('PATCH', `/v1/tenants/${tenantId}/connections/${connectionId}`, {
      key: tenantKey,
      body: {
        name: 'production',
        regions: ['us-east-1'],
        resourceTypes: ['AWS::S3::Bucket', 'AWS::EC2::Instance'],
        syncIntervalMinutes: 30,
        paused: true,
      },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.name, 'production');
    assert.deepEqual(patched.body.regions, ['us-east-1']);
    assert.equal(patched.body.syncIntervalMinutes, 30);
    assert.equal(patched.body.paused, true);
    const [event] = await audits('connection.update');
    assert.deepEqual((event.details as { changes: { paused: boolean } }).changes.paused, true);
  });

  it('serves the CloudFormation template as YAML with the parameters filled in', async () => {
    const res = await api.request(
      'GET',
      `/v1/tenants/${tenantId}/connections/${connectionId}/cloudformation`,
      { key: tenantKey },
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/x-yaml/);
    assert.match(res.text, new RegExp(`tenant:${tenantId}:connection:${connectionId}`));
    assert.ok(res.text.includes('AWSTemplateFormatVersion'));
  });

  it('verifies: an unreachable role is an error with a remediation, persisted and audited', async () => {
    const res = await api.request('POST', `/v1/tenants/${tenantId}/connections/${connectionId}/verify`, {
      key: tenantKey,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'error');
    assert.equal(res.body.checks[0].ok, false);
    assert.ok(res.body.checks[0].remediation);
    const row = await api.env.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    assert.equal(row.status, 'error');
    assert.ok(row.statusMessage);
    assert.ok(row.verifiedAt);
    assert.equal(row.nextSyncAt, null, 'a connection that is not active is never scheduled');
    assert.equal((await audits('connection.verify')).length, 1);
  });

  it('refuses to sync a connection that is not active, or paused; runs an active one (202, reused)', async () => {
    const syncs = `/v1/tenants/${tenantId}/connections/${connectionId}/syncs`;
    const refused = await api.request('POST', syncs, { key: tenantKey });
    assert.equal(refused.status, 409);
    assert.ok(refused.body.remediation);
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
    assert.equal((await audits('sync.request')).length, 2);

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

  it('deletes a connection with its inventory only after confirmation', async () => {
    const path = `/v1/tenants/${tenantId}/connections/${connectionId}`;
    const missing = await api.request('DELETE', path, { key: tenantKey });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].field, 'confirm');
    const wrong = await api.request('DELETE', `${path}?confirm=prod`, { key: tenantKey });
    assert.equal(wrong.status, 400);
    assert.equal(await api.env.prisma.resource.count({ where: { connectionId } }), 8);

    const ok = await api.request('DELETE', `${path}?confirm=production`, { key: tenantKey });
    assert.equal(ok.status, 204);
    assert.equal(await api.env.prisma.resource.count({ where: { connectionId } }), 0);
    assert.equal(await api.env.prisma.resourceChange.count({ where: { tenantId } }), 0);
    assert.equal(await api.env.prisma.syncRun.count({ where: { connectionId } }), 0);
    assert.equal((await api.request('GET', path, { key: tenantKey })).status, 404);
    const [event] = await audits('connection.delete');
    assert.equal((event.details as { resourcesDeleted: number }).resourcesDeleted, 8);
  });

  it('writes one audit row per state-changing call, with actor and request id', async () => {
    const events = await api.env.prisma.auditEvent.findMany();
    const actions = events.map((e) => e.action).sort();
    for (const a of [
      'api_key.bootstrap',
      'tenant.create',
      'api_key.create',
      'api_key.revoke',
      'connection.create',
      'connection.update',
      'connection.verify',
      'sync.request',
      'connection.delete',
    ]) {
      assert.ok(actions.includes(a), `audited ${a}`);
    }
    for (const e of events.filter((x) => x.action !== 'api_key.bootstrap')) {
      assert.ok(e.actorKeyId && e.requestId, `${e.action} has who and request`);
    }
    const custom = await api.request('POST', '/v1/tenants', {
      body: { name: 'traced' },
      headers: { 'x-request-id': 'trace-123' },
    });
    const [traced] = await api.env.prisma.auditEvent.findMany({ where: { targetId: custom.body.id } });
    assert.equal(traced.requestId, 'trace-123');
  });

  it('publishes OpenAPI 3 at /docs-json describing every route, schema and error', async () => {
    const res = await api.request('GET', '/docs-json', { key: null });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.match(doc.openapi, /^3\./);
    const expected = {
      '/v1/tenants': ['get', 'post'],
      '/v1/tenants/{tenantId}': ['get'],
      '/v1/tenants/{tenantId}/api-keys': ['get', 'post'],
      '/v1/tenants/{tenantId}/api-keys/{keyId}': ['delete'],
      '/v1/tenants/{tenantId}/connections': ['get', 'post'],
      '/v1/tenants/{tenantId}/connections/{connectionId}': ['delete', 'get', 'patch'],
      '/v1/tenants/{tenantId}/connections/{connectionId}/cloudformation': ['get'],
      '/v1/tenants/{tenantId}/connections/{connectionId}/verify': ['post'],
      '/v1/tenants/{tenantId}/connections/{connectionId}/syncs': ['get', 'post'],
      '/v1/tenants/{tenantId}/syncs/{runId}': ['get'],
      '/v1/tenants/{tenantId}/resources': ['get'],
      '/v1/tenants/{tenantId}/resources/{resourceId}': ['get'],
      '/v1/tenants/{tenantId}/summary': ['get'],
    } as Record<string, string[]>;
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `documents ${path}`);
      for (const m of methods) {
        const op = doc.paths[path][m];
        assert.ok(op, `documents ${m.toUpperCase()} ${path}`);
        assert.ok(op.summary);
        assert.ok(
          op.responses['401'].content['application/problem+json'],
          `${m} ${path} documents its problems`,
        );
        const ok = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
        const content = (ok[1] as { content?: Record<string, { example?: unknown }> }).content;
        if (ok[0] !== '204')
          assert.ok(Object.values(content ?? {})[0]?.example !== undefined, `${m} ${path} has an example`);
      }
    }
    for (const s of [
      'CreateTenant',
      'CreateApiKey',
      'CreateConnection',
      'UpdateConnection',
      'Connection',
      'Resource',
      'ResourceWithChanges',
      'SyncRunWithTasks',
      'Summary',
      'Problem',
    ]) {
      assert.ok(doc.components.schemas[s], `schema ${s}`);
    }
    assert.equal(doc.components.schemas.CreateConnection.additionalProperties, false);
    assert.ok(doc.components.schemas.CreateConnection.properties.regions.items.enum.includes('eu-west-1'));
    const ui = await api.request('GET', '/docs', { key: null });
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    assert.ok(parseYaml((await api.request('GET', '/docs-yaml', { key: null })).text).paths);
  });
});
