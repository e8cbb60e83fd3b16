// ConnectionVerifier and the confused-deputy canary against the sandbox STS over real HTTP, with the
// api serving our issuer documents.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SigningKeyService, subjectFor, TokenService } from '@tally/oidc';
import {
  createConnection,
  createTenant,
  createTestEnvironment,
  webIdentityTrustPolicy,
  type TestEnvironment,
} from '@tally/testing';
import { createApiApp } from '../../apps/api/src/app';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { AwsClients, AwsCredentialsService, ConnectionVerifier } from '@tally/aws';
import { Metrics } from '@tally/metrics';

describe('connection verification and the canary', () => {
  let env: TestEnvironment;
  let sandbox: Sandbox;
  let api: NestExpressApplication;
  let verifier: ConnectionVerifier;
  let issuer: string;
  let host: string;

  const MANAGEMENT = '210987654321';
  const STANDALONE = '310987654321';

  async function connection(
    stack?: {
      subject?: (own: string) => string;
      operator?: 'StringEquals' | 'StringLike';
      policies?: object[];
    },
    data: { accountId?: string; mode?: 'account' | 'organization' } = {},
  ) {
    const tenant = await createTenant(env.prisma);
    const conn = await createConnection(env.prisma, tenant.id, { roleName: 'TallyReadOnly', ...data });
    if (stack) {
      const providerArn =
        sandbox.iam.findOidcProvider(conn.accountId, host)?.arn ??
        sandbox.iam.createOidcProvider(conn.accountId, {
          url: issuer,
          clientIdList: [env.config.OIDC_AUDIENCE],
        });
      const own = subjectFor(tenant.id, conn.id);
      sandbox.iam.putRole(conn.accountId, {
        roleName: 'TallyReadOnly',
        assumeRolePolicyDocument: webIdentityTrustPolicy({
          providerArn,
          host,
          audience: env.config.OIDC_AUDIENCE,
          subject: stack.subject ? stack.subject(own) : own,
          subjectOperator: stack.operator,
        }),
        policies: (stack.policies ?? []).map((policyDocument, i) => ({
          policyName: `p${i}`,
          policyDocument,
        })),
      });
    }
    return conn;
  }

  before(async () => {
    sandbox = await startSandbox({
      port: 0,
      scenario: {
        organization: {
          managementAccountId: MANAGEMENT,
          accounts: [
            { id: MANAGEMENT, name: 'management', email: 'root@example.com' },
            { id: '410987654321', name: 'member', email: 'member@example.com' },
          ],
        },
        accounts: [{ id: STANDALONE }],
      },
    });
    env = await createTestEnvironment({
      AWS_ENDPOINT_URL_STS: sandbox.url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: sandbox.url,
    });
    api = await createApiApp(env.config);
    await api.listen(0, '127.0.0.1');
    issuer = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    host = issuer.slice('http://'.length);
    env.config.OIDC_ISSUER_URL = issuer;
    const tokens = new TokenService(env.prisma, env.config, new SigningKeyService(env.prisma, env.config));
    const metrics = new Metrics({ defaultMetrics: false });
    const clients = new AwsClients(env.config, metrics);
    verifier = new ConnectionVerifier(
      clients,
      tokens,
      new AwsCredentialsService(env.config, tokens, clients, metrics),
    );
  });

  after(async () => {
    await api?.close();
    await sandbox?.close();
    await env?.close();
  });

  it('a correctly deployed stack is active: role assumed, harmless read, canary rejected', async () => {
    const conn = await connection({});
    const before = await env.prisma.connection.findUniqueOrThrow({ where: { id: conn.id } });
    const since = sandbox.calls.lastSeq;
    const result = await verifier.verify(conn);
    assert.equal(result.status, 'active', JSON.stringify(result));
    assert.deepEqual(
      result.checks.map((c) => [c.name, c.ok]),
      [
        ['assume_role', true],
        ['read_access', true],
        ['trust_policy_scope', true],
      ],
    );
    assert.ok(result.checks.every((c) => c.remediation === null && c.message.length > 0));
    const calls = sandbox.calls.list({ since });
    assert.deepEqual(
      calls.map((c) => [c.operation, c.outcome]),
      [
        ['AssumeRoleWithWebIdentity', 'ok'],
        ['GetCallerIdentity', 'ok'],
        ['AssumeRoleWithWebIdentity', 'error'],
      ],
    );
    assert.equal(calls[2].errorCode, 'AccessDenied', 'the canary was refused by the trust policy');
    const afterRow = await env.prisma.connection.findUniqueOrThrow({ where: { id: conn.id } });
    assert.deepEqual(afterRow, before, 'verification does not write to the database');
  });

  it('no stack deployed: error with a remediation the customer can act on', async () => {
    const conn = await connection();
    const result = await verifier.verify(conn);
    assert.equal(result.status, 'error');
    assert.equal(result.checks.length, 1);
    const [check] = result.checks;
    assert.equal(check.name, 'assume_role');
    assert.equal(check.ok, false);
    assert.equal(check.awsCode, 'InvalidIdentityToken');
    assert.match(
      check.message,
      new RegExp(`no IAM OIDC provider for Tally's issuer ${issuer.replace(/[.:/]/g, '\\$&')}`),
    );
    assert.match(check.remediation!, /Deploy the Tally CloudFormation stack in account \d{12}/);
  });

  it('a trust policy accepting any subject (StringLike "*") is insecure', async () => {
    const conn = await connection({ operator: 'StringLike', subject: () => '*' });
    const result = await verifier.verify(conn);
    assert.equal(result.status, 'insecure');
    const canary = result.checks.find((c) => c.name === 'trust_policy_scope')!;
    assert.equal(canary.ok, false);
    assert.match(canary.remediation!, /StringEquals/);
  });

  it('the canary is rejected by a strict policy, accepted by a loose one, and uses a subject of no connection', async () => {
    const strict = await connection({});
    const loose = await connection({ operator: 'StringLike', subject: () => 'tenant:*' });
    const rejected = await verifier.runCanary(strict);
    assert.equal(rejected.outcome, 'rejected');
    assert.equal(rejected.error?.awsCode, 'AccessDenied');
    const accepted = await verifier.runCanary(loose);
    assert.equal(accepted.outcome, 'accepted');
    const [, tenantId, , connectionId] = accepted.subject.split(':');
    assert.equal(
      await env.prisma.connection.count({ where: { OR: [{ id: connectionId }, { tenantId }] } }),
      0,
    );
  });

  it('a role trusting a different connection fails verification at assume_role', async () => {
    const conn = await connection({
      subject: () =>
        subjectFor('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001'),
    });
    const result = await verifier.verify(conn);
    assert.equal(result.status, 'error');
    assert.equal(result.checks[0].awsCode, 'AccessDenied');
    assert.match(result.checks[0].message, /trust policy/);
  });

  const listAccountsPolicy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' }],
  };

  it('organization mode lists the accounts from the management account', async () => {
    const conn = await connection(
      { policies: [listAccountsPolicy] },
      { accountId: MANAGEMENT, mode: 'organization' },
    );
    const result = await verifier.verify(conn);
    assert.equal(result.status, 'active', JSON.stringify(result));
    const list = result.checks.find((c) => c.name === 'list_accounts')!;
    assert.equal(list.ok, true);
    assert.match(list.message, /Listed 2 accounts/);
  });

  it('organization mode without ListAccounts permission, or outside an organization, is an error', async () => {
    const otherOnly = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['cloudformation:ListResources'], Resource: '*' }],
    };
    const denied = await connection(
      { policies: [otherOnly] },
      { accountId: MANAGEMENT, mode: 'organization' },
    );
    let result = await verifier.verify(denied);
    assert.equal(result.status, 'error');
    let list = result.checks.at(-1)!;
    assert.equal(list.name, 'list_accounts');
    assert.equal(list.ok, false);
    assert.match(list.remediation!, /permissions/);

    const alone = await connection(
      { policies: [listAccountsPolicy] },
      { accountId: STANDALONE, mode: 'organization' },
    );
    result = await verifier.verify(alone);
    list = result.checks.at(-1)!;
    assert.equal(result.status, 'error');
    assert.equal(list.awsCode, 'AWSOrganizationsNotInUseException');
    assert.match(list.remediation!, /account" mode/);
  });
});
