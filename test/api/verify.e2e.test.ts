import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTenant, webIdentityTrustPolicy } from '@tally/testing';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { startApi, type ApiHarness } from '../../apps/api/src/test-support/api-harness';

// POST …/verify over HTTP against the AWS sandbox, which really fetches our issuer documents and
// evaluates the role's trust policy.
describe('connection verification against the sandbox', () => {
  let sandbox: Sandbox;
  let api: ApiHarness;
  let tenantId: string;
  let accountSeq = 0;

  before(async () => {
    sandbox = await startSandbox({ port: 0 });
    api = await startApi({
      AWS_ENDPOINT_URL_STS: sandbox.url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: sandbox.url,
      AWS_ENDPOINT_URL_CLOUDCONTROL: sandbox.url,
    });
    // The issuer is this api; its port is only known once it listens.
    api.env.config.OIDC_ISSUER_URL = api.url;
    tenantId = (await createTenant(api.env.prisma)).id;
  });
  after(async () => {
    await api?.close();
    await sandbox?.close();
  });

  async function control(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  }

  async function newConnection(name: string) {
    const accountId = `1111000000${String(++accountSeq).padStart(2, '0')}`;
    const res = await api.request('POST', `/v1/tenants/${tenantId}/connections`, {
      body: { name, accountId, mode: 'account', regions: ['us-east-1'] },
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  const verify = (id: string) => api.request('POST', `/v1/tenants/${tenantId}/connections/${id}/verify`);

  it('the stack from GET …/cloudformation, deployed with the onboarding parameters, verifies active', async () => {
    const conn = await newConnection('correct');
    const template = await api.request(
      'GET',
      `/v1/tenants/${tenantId}/connections/${conn.id}/cloudformation`,
    );
    assert.equal(template.status, 200);
    await control('POST', '/_sandbox/stacks', {
      accountId: conn.accountId,
      stackName: conn.onboarding.stackName,
      templateBody: template.text,
      parameters: conn.onboarding.parameters,
    });
    const res = await verify(conn.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'active', JSON.stringify(res.body.checks));
    assert.ok(res.body.checks.every((c: { ok: boolean }) => c.ok));
    assert.equal(res.body.connection.status, 'active');
    assert.equal(res.body.connection.statusMessage, null);
    assert.ok(res.body.connection.nextSyncAt, 'an active connection is scheduled');
    const row = await api.env.prisma.connection.findUniqueOrThrow({ where: { id: conn.id } });
    assert.equal(row.status, 'active');
    assert.deepEqual((row.verification as { checks: unknown[] }).checks, res.body.checks);

    const sync = await api.request('POST', `/v1/tenants/${tenantId}/connections/${conn.id}/syncs`);
    assert.equal(sync.status, 202, 'an active connection can be synced');
  });

  it('no stack: error, with a remediation the customer can act on', async () => {
    const conn = await newConnection('nothing-deployed');
    const res = await verify(conn.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'error');
    const [check] = res.body.checks;
    assert.equal(check.name, 'assume_role');
    assert.equal(check.ok, false);
    assert.match(check.remediation, /Deploy the Tally CloudFormation stack/);
    const row = await api.env.prisma.connection.findUniqueOrThrow({ where: { id: conn.id } });
    assert.equal(row.status, 'error');
    assert.match(row.statusMessage ?? '', /Deploy the Tally CloudFormation stack/);
    assert.equal(row.nextSyncAt, null);
    const sync = await api.request('POST', `/v1/tenants/${tenantId}/connections/${conn.id}/syncs`);
    assert.equal(sync.status, 409, 'a connection in error is never synced');
  });

  it('a trust policy that accepts any subject: insecure, and never synced', async () => {
    const conn = await newConnection('too-loose');
    const host = api.url.replace(/^https?:\/\//, '');
    const { arn: providerArn } = await control('POST', '/_sandbox/iam/oidc-providers', {
      accountId: conn.accountId,
      url: api.url,
      clientIdList: [api.env.config.OIDC_AUDIENCE],
    });
    await control('POST', '/_sandbox/iam/roles', {
      accountId: conn.accountId,
      roleName: conn.roleName,
      trustPolicy: webIdentityTrustPolicy({
        providerArn,
        host,
        audience: api.env.config.OIDC_AUDIENCE,
        subject: '*',
        subjectOperator: 'StringLike',
      }),
    });
    const res = await verify(conn.id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'insecure', JSON.stringify(res.body.checks));
    const scope = res.body.checks.find((c: { name: string }) => c.name === 'trust_policy_scope');
    assert.equal(scope.ok, false);
    assert.match(scope.remediation, /StringEquals/);
    const row = await api.env.prisma.connection.findUniqueOrThrow({ where: { id: conn.id } });
    assert.equal(row.status, 'insecure');
    assert.equal(row.nextSyncAt, null);
    assert.equal(
      (await api.request('POST', `/v1/tenants/${tenantId}/connections/${conn.id}/syncs`)).status,
      409,
    );
    const events = await api.env.prisma.auditEvent.findMany({
      where: { action: 'connection.verify', targetId: conn.id },
    });
    assert.equal((events[0].details as { status: string }).status, 'insecure');
  });
});
