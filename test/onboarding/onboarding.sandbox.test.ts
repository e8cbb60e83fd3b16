// Semantic tests: deploy the onboarding templates into the AWS sandbox (POST /_sandbox/stacks) and
// use them the way Tally does: tokens minted by libs/oidc (keys in the test database, discovery and
// JWKS served over HTTP), AssumeRoleWithWebIdentity and Cloud Control / Organizations through the SDK.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleWithWebIdentityCommand, STSClient, type Credentials } from '@aws-sdk/client-sts';
import { CloudControlClient, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SigningKeyService, TokenService, discoveryDocument } from '@tally/oidc';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { HANDLER_PERMISSIONS as SANDBOX_HANDLER_PERMISSIONS } from '../../apps/aws-sandbox/src/cloud';
import { parsePolicyDocument, policiesAllow } from '../../apps/aws-sandbox/src/iam/policy-document';
import { SUPPORTED_RESOURCE_TYPES } from '@tally/aws';
import {
  CLOUD_CONTROL_ACTIONS,
  ORGANIZATION_ACTIONS,
  liveEventNames,
  onboardingFor,
  renderTemplate,
  type StackParameterValues,
} from '@tally/onboarding';

const MGMT = '100000000001';
const MEMBER_A = '100000000002';
const MEMBER_B = '100000000003';
const SUSPENDED = '100000000004';
const REGION = 'us-east-1';
const WRITES = [
  'cloudformation:CreateResource',
  'cloudformation:UpdateResource',
  'cloudformation:DeleteResource',
  'cloudformation:CreateStack',
  's3:CreateBucket',
  's3:PutObject',
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:GetObject',
  'ec2:RunInstances',
  'ec2:TerminateInstances',
  'ec2:CreateTags',
  'ec2:ModifyInstanceAttribute',
  'ecs:CreateCluster',
  'ecs:DeleteCluster',
  'ecs:TagResource',
  'lambda:UpdateFunctionCode',
  'lambda:InvokeFunction',
  'lambda:CreateFunction',
  'rds:DeleteDBInstance',
  'rds:ModifyDBInstance',
  'kms:Decrypt',
  'kms:CreateGrant',
  'iam:PassRole',
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'sts:AssumeRole',
  'ssm:CreateAssociation',
  'organizations:CreateAccount',
  'organizations:LeaveOrganization',
  'secretsmanager:GetSecretValue',
];
const WRITE_PATTERN =
  /:(Create|Delete|Put|Update|Modify|Tag|Untag|Attach|Detach|Run|Start|Stop|Terminate|Reboot|Restore|Add|Remove|Set|Invoke|Pass|Enable|Disable|Register|Deregister|Promote|Publish|Replace|Reset|Revoke|Authorize|Cancel|Copy|Import|Upload|Send|Write|Decrypt|Encrypt)/i;

/** These tests are about the role: without the live-event resources (their own test below). */
function roleOnly<T extends object>(parameters: T): T & { EnableLiveEvents: 'false' } {
  return { ...parameters, EnableLiveEvents: 'false' };
}

describe('onboarding templates deployed into the AWS sandbox', () => {
  let env: TestEnvironment;
  let sandbox: Sandbox;
  let issuer: Server;
  let tokens: TokenService;
  let sts: STSClient;
  let tenantId: string;
  let accountConn: { id: string; tenantId: string; accountId: string; mode: 'account'; roleName: string };
  let orgConn: { id: string; tenantId: string; accountId: string; mode: 'organization'; roleName: string };
  let otherConnectionId: string;
  let keys: SigningKeyService;

  before(async () => {
    // The issuer: libs/oidc's discovery document and JWKS, over HTTP, for the test database's keys.
    issuer = createServer(async (req, res) => {
      const body =
        req.url === '/.well-known/jwks.json'
          ? await keys.jwks()
          : req.url === '/.well-known/openid-configuration'
            ? discoveryDocument(issuerUrl)
            : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    const issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    env = await createTestEnvironment({ OIDC_ISSUER_URL: issuerUrl });
    keys = new SigningKeyService(env.prisma, env.config);
    [sandbox] = await Promise.all([
      startSandbox({
        port: 0,
        scenario: {
          organization: {
            managementAccountId: MGMT,
            accounts: [
              { id: MGMT, name: 'mgmt', email: 'mgmt@example.com' },
              { id: MEMBER_A, name: 'a', email: 'a@example.com' },
              { id: MEMBER_B, name: 'b', email: 'b@example.com' },
              { id: SUSPENDED, name: 'gone', email: 'gone@example.com', status: 'SUSPENDED' },
            ],
          },
          regions: [REGION],
        },
      }),
      keys.onModuleInit(), // generates the signing keys (RSA: the slow part under load)
    ]);
    tokens = new TokenService(env.prisma, env.config, keys);
    sts = new STSClient({ endpoint: sandbox.url, region: REGION });
    const tenant = await createTenant(env.prisma);
    tenantId = tenant.id;
    accountConn = (await createConnection(env.prisma, tenantId, { accountId: MGMT })) as typeof accountConn;
    orgConn = (await createConnection(env.prisma, tenantId, {
      accountId: MGMT,
      mode: 'organization',
    })) as typeof orgConn;
    otherConnectionId = (await createConnection(env.prisma, tenantId, { accountId: MGMT })).id;
  });

  after(async () => {
    sts?.destroy();
    await sandbox?.close();
    await new Promise((resolve) => issuer?.close(resolve));
    await env?.close();
  });

  async function control(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }

  /** Deploys the account template as a stack of the management account. */
  function deployAccountStack(stackName: string, parameters: Partial<StackParameterValues>) {
    return control('POST', '/_sandbox/stacks', {
      accountId: MGMT,
      stackName,
      templateBody: renderTemplate('account'),
      parameters: roleOnly(parameters),
    });
  }

  async function assume(roleArn: string, connectionId: string): Promise<Credentials> {
    const token = await tokens.mintToken({ tenantId, connectionId });
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleArn,
        RoleSessionName: 'tally-test',
        WebIdentityToken: token,
      }),
    );
    return out.Credentials!;
  }

  async function refusal(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (err) {
      return (err as Error).name;
    }
    assert.fail('STS accepted a token it must refuse');
  }

  const clientCredentials = (c: Credentials) => ({
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken,
  });

  it('account template: the connection assumes the role; other subjects are refused; Cloud Control works for every type', async () => {
    const onboarding = onboardingFor(accountConn, env.config);
    const deployed = await deployAccountStack(onboarding.stackName, onboarding.parameters);
    assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
    assert.equal(deployed.body.outputs.RoleArn, onboarding.roleArn);
    assert.equal(
      deployed.body.outputs.OidcProviderArn,
      `arn:aws:iam::${MGMT}:oidc-provider/${onboarding.parameters.IssuerHost}`,
    );

    const creds = await assume(onboarding.roleArn, accountConn.id);
    assert.match(creds.AccessKeyId!, /^ASIA/);
    assert.equal(await refusal(assume(onboarding.roleArn, otherConnectionId)), 'AccessDenied');
    const canary = await tokens.mintCanaryToken();
    assert.equal(
      await refusal(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: onboarding.roleArn,
            RoleSessionName: 'canary',
            WebIdentityToken: canary.token,
          }),
        ),
      ),
      'AccessDenied',
    );

    const cloudControl = new CloudControlClient({
      endpoint: sandbox.url,
      region: REGION,
      credentials: clientCredentials(creds),
    });
    try {
      for (const type of SUPPORTED_RESOURCE_TYPES) {
        const page = await cloudControl.send(new ListResourcesCommand({ TypeName: type }));
        assert.equal(page.TypeName, type);
      }
    } finally {
      cloudControl.destroy();
    }
    await control('DELETE', `/_sandbox/stacks?accountId=${MGMT}&stackName=${onboarding.stackName}`);
  });

  it("the role's policy grants every action the collector uses and nothing that writes", async () => {
    const onboarding = onboardingFor(accountConn, env.config);
    const deployed = await deployAccountStack('perm-check', onboarding.parameters);
    assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
    const role = sandbox.iam.getRole(MGMT, onboarding.parameters.RoleName)!;
    const policies = role.policies.map((p) => parsePolicyDocument(p.policyDocument, p.policyName));
    const needed = [
      ...CLOUD_CONTROL_ACTIONS,
      ...Object.values(
        SANDBOX_HANDLER_PERMISSIONS as Record<string, { list: readonly string[]; read: readonly string[] }>,
      ).flatMap((p) => [...p.list, ...p.read]),
    ];
    assert.ok(needed.length > 20, 'the sandbox publishes its handler permissions');
    for (const action of needed) assert.ok(policiesAllow(policies, action), `not granted: ${action}`);
    for (const action of WRITES) assert.ok(!policiesAllow(policies, action), `granted a write: ${action}`);
    for (const action of ORGANIZATION_ACTIONS)
      assert.ok(!policiesAllow(policies, action), `single-account role lists the organization: ${action}`);
    // The one exception: consuming the connection's own live-event queue (deletes its messages).
    const queueArn = `arn:aws:sqs:${REGION}:${MGMT}:${liveEventNames(accountConn.id).queue}`;
    const granted = policies.flatMap((p) =>
      p.Statement.filter(
        (s) => !(s.Resource ?? []).every((r) => r === queueArn || r === `${queueArn}-dlq`),
      ).flatMap((s) => s.Action ?? []),
    );
    assert.deepEqual(
      granted.filter((a) => WRITE_PATTERN.test(a) || a.includes('*')),
      [],
    );
    const consume = policies.flatMap((p) =>
      p.Statement.filter((s) => (s.Action ?? []).includes('sqs:DeleteMessage')),
    );
    assert.deepEqual(
      consume.map((s) => s.Resource),
      [[queueArn]],
      'messages may be deleted from the connection queue only',
    );
    assert.ok(policies.every((p) => p.Statement.every((s) => s.Effect === 'Allow' && !s.NotAction)));
    await control('DELETE', `/_sandbox/stacks?accountId=${MGMT}&stackName=perm-check`);
  });

  it('reusing an existing provider (CreateOidcProvider=false) works; a second provider for the URL is refused with a clear 400', async () => {
    const onboarding = onboardingFor(accountConn, env.config);
    const first = await deployAccountStack('first', onboarding.parameters);
    assert.equal(first.status, 200);
    const dup = await deployAccountStack('second', { ...onboarding.parameters, RoleName: 'TallyOther' });
    assert.equal(dup.status, 400);
    assert.match(JSON.stringify(dup.body), /already exists/);
    const reuse = await deployAccountStack('second', {
      ...onboarding.parameters,
      RoleName: 'TallyOther',
      CreateOidcProvider: 'false',
    });
    assert.equal(reuse.status, 200, JSON.stringify(reuse.body));
    assert.equal(reuse.body.outputs.OidcProviderArn, first.body.outputs.OidcProviderArn);
    await assume(reuse.body.outputs.RoleArn, accountConn.id);
    const badSubject = await deployAccountStack('third', {
      ...onboarding.parameters,
      Subject: 'tenant:*:connection:*',
      CreateOidcProvider: 'false',
    });
    assert.equal(badSubject.status, 400);
    assert.match(JSON.stringify(badSubject.body), /Subject/);
    await control('DELETE', `/_sandbox/stacks?accountId=${MGMT}&stackName=second`);
    await control('DELETE', `/_sandbox/stacks?accountId=${MGMT}&stackName=first`);
    assert.equal(sandbox.iam.listOidcProviders(MGMT).length, 0, 'deleting the stacks removes the provider');
  });

  it('organization template: the management role lists accounts; every ACTIVE member gets provider + role for the same subject', async () => {
    const onboarding = onboardingFor(orgConn, env.config);
    const deployed = await control('POST', '/_sandbox/stacks', {
      accountId: MGMT,
      stackName: onboarding.stackName,
      templateBody: renderTemplate('organization', { OrganizationalUnitIds: 'r-ab12' }),
      parameters: { ...roleOnly(onboarding.parameters), OrganizationId: 'o-exampleorg1' },
    });
    assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
    const instances = deployed.body.resources.find((r: any) => r.logicalId === 'MemberStackSet').instances;
    assert.deepEqual(
      instances.map((i: any) => [i.accountId, i.status]),
      [
        [MEMBER_A, 'CURRENT'],
        [MEMBER_B, 'CURRENT'],
      ],
    );
    assert.equal(sandbox.iam.getRole(SUSPENDED, onboarding.parameters.RoleName), undefined);

    const mgmt = await assume(onboarding.roleArn, orgConn.id);
    const orgs = new OrganizationsClient({
      endpoint: sandbox.url,
      region: REGION,
      credentials: clientCredentials(mgmt),
    });
    try {
      const listed = await orgs.send(new ListAccountsCommand({}));
      assert.ok(listed.Accounts!.some((a) => a.Id === MEMBER_A));
    } finally {
      orgs.destroy();
    }
    for (const member of [MEMBER_A, MEMBER_B]) {
      const roleArn = onboarding.roleArn.replace(MGMT, member);
      assert.ok(
        sandbox.iam.findOidcProvider(member, onboarding.parameters.IssuerHost),
        `provider in ${member}`,
      );
      const creds = await assume(roleArn, orgConn.id);
      assert.match(creds.AccessKeyId!, /^ASIA/);
      assert.equal(await refusal(assume(roleArn, accountConn.id)), 'AccessDenied');
      const role = sandbox.iam.getRole(member, onboarding.parameters.RoleName)!;
      const policies = role.policies.map((p) => p.parsed);
      assert.ok(
        !policiesAllow(policies, 'organizations:ListAccounts'),
        'members do not get Organizations reads',
      );
    }
    const deleted = await control('DELETE', '/_sandbox/stacks', {
      accountId: MGMT,
      stackName: onboarding.stackName,
    });
    assert.equal(deleted.status, 200);
    assert.equal(sandbox.iam.getRole(MEMBER_A, onboarding.parameters.RoleName), undefined);
  });

  it('live events: the account template creates the queue, its policy and the rule; the organization template forwards every member', async () => {
    const account = onboardingFor({ ...accountConn, regions: [REGION] }, env.config);
    const names = liveEventNames(accountConn.id);
    const deployed = await control('POST', '/_sandbox/stacks', {
      accountId: MGMT,
      stackName: 'live-account',
      templateBody: renderTemplate('account'),
      parameters: account.parameters,
    });
    assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
    assert.equal(deployed.body.outputs.EventsQueueUrl, `${sandbox.url}/${MGMT}/${names.queue}`);
    assert.equal(deployed.body.outputs.EventsRuleArn, `arn:aws:events:${REGION}:${MGMT}:rule/${names.rule}`);
    const queue = sandbox.sqs.get(MGMT, REGION, names.queue)!;
    assert.ok(sandbox.sqs.get(MGMT, REGION, names.dlq), 'the DLQ exists');
    assert.match(JSON.stringify(queue.attributes.RedrivePolicy), /tally-events-[0-9a-f]{8}-dlq/);
    assert.equal(queue.attributes.SqsManagedSseEnabled, 'true');
    assert.match(queue.attributes.Policy ?? '', /aws:SourceArn/);
    await control('DELETE', `/_sandbox/stacks?accountId=${MGMT}&stackName=live-account`);

    const org = onboardingFor({ ...orgConn, regions: [REGION] }, env.config);
    const orgNames = liveEventNames(orgConn.id);
    const orgStack = await control('POST', '/_sandbox/stacks', {
      accountId: MGMT,
      stackName: 'live-org',
      templateBody: renderTemplate('organization', { OrganizationalUnitIds: 'r-ab12' }),
      parameters: { ...org.parameters, OrganizationId: 'o-exampleorg1' },
    });
    assert.equal(orgStack.status, 200, JSON.stringify(orgStack.body));
    const forwarders = orgStack.body.resources.find((r: any) => r.logicalId === 'ForwarderStackSet');
    assert.deepEqual(
      forwarders.instances.map((i: any) => [i.accountId, i.region, i.status]),
      [
        [MEMBER_A, REGION, 'CURRENT'],
        [MEMBER_B, REGION, 'CURRENT'],
      ],
    );
    for (const member of [MEMBER_A, MEMBER_B]) {
      const rule = sandbox.events.rule(sandbox.events.bus(member, REGION), orgNames.forwarderRule);
      assert.equal(rule.state, 'ENABLED');
      assert.ok(!sandbox.sqs.get(member, REGION, orgNames.queue), 'members get no queue');
    }
    assert.ok(sandbox.sqs.get(MGMT, REGION, orgNames.queue), 'the queue lives in the management account');
    await control('DELETE', `/_sandbox/stacks?accountId=${MGMT}&stackName=live-org`);
  });
});
