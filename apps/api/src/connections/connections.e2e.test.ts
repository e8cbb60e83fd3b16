import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResource } from '@tally/testing';
import { assertAudited, audits, suiteApi, type Suite } from '../test-support/api-harness';

// /v1/tenants/{t}/connections end to end over HTTP against a real PostgreSQL.
describe('api /v1 connections', () => {
  let { api, tenantId, tenantKey } = {} as Suite;
  let connectionId = '';
  suiteApi(async (suite) => {
    ({ api, tenantId, tenantKey } = suite);
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
    assert.equal((await audits(api, 'connection.create')).length, 1);

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
    const [event] = await audits(api, 'connection.update');
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
    assert.equal((await audits(api, 'connection.verify')).length, 1);
  });

  it('deletes a connection with its inventory only after confirmation', async () => {
    const conn = { id: connectionId, tenantId, accountId: '123456789012' };
    for (let i = 0; i < 8; i++) await createResource(api.env.prisma, conn);
    const resource = await api.env.prisma.resource.findFirstOrThrow({ where: { connectionId } });
    await api.env.prisma.resourceChange.create({
      data: { tenantId, resourceId: resource.id, kind: 'created', at: new Date(), changedFields: [] },
    });
    await api.env.prisma.syncRun.create({ data: { tenantId, connectionId, trigger: 'manual' } });
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
    const [event] = await audits(api, 'connection.delete');
    assert.equal((event.details as { resourcesDeleted: number }).resourcesDeleted, 8);
  });
  it('audits each state-changing call with its actor and request id', async () => {
    await assertAudited(api, [
      'connection.create',
      'connection.update',
      'connection.verify',
      'connection.delete',
    ]);
  });
});
