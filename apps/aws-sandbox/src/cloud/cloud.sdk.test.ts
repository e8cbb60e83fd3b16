// The cloud part through the real AWS SDK over HTTP: STS web identity → SigV4-signed Cloud Control
// and Organizations calls against the sandbox server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudControlClient,
  GetResourceCommand,
  ListResourcesCommand,
  paginateListResources,
} from '@aws-sdk/client-cloudcontrol';
import {
  DescribeOrganizationCommand,
  OrganizationsClient,
  paginateListAccounts,
  ListAccountsCommand,
} from '@aws-sdk/client-organizations';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startSandbox, type Sandbox } from '../sandbox';
import { sdkFailure } from '../testing/sdk-failure';
import { startTestIssuer, type TestIssuer } from '../testing/test-issuer';
import { HANDLER_PERMISSIONS, RESOURCE_TYPE_NAMES } from './index';
import type { TruthResource } from './control/truth';
import { shippedScenario } from './testing.helpers';

const MGMT = '111111111111';
const MEMBER = '222222222222';
const AUD = 'sts.amazonaws.com';
const SUB = 'tenant:t1:connection:c1';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

describe('cloud services through the AWS SDK over HTTP', () => {
  let sandbox: Sandbox;
  let issuer: TestIssuer;
  const clients: { destroy(): void }[] = [];
  const creds = new Map<string, Credentials>();

  function readerRole(accountId: string, actions: string[]) {
    sandbox.iam.createOidcProvider(accountId, { url: issuer.url, clientIdList: [AUD] });
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${issuer.host}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${issuer.host}:aud`]: AUD, [`${issuer.host}:sub`]: SUB } },
        },
      ],
    };
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
    };
    sandbox.iam.putRole(accountId, {
      roleName: 'TallyReader',
      assumeRolePolicyDocument: JSON.stringify(trust),
      policies: [{ policyName: 'read', policyDocument: policy }],
    });
  }

  async function assume(accountId: string): Promise<Credentials> {
    const sts = new STSClient({ endpoint: sandbox.url, region: 'us-east-1' });
    clients.push(sts);
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/TallyReader`,
        RoleSessionName: 'tally',
        WebIdentityToken: issuer.mint({ sub: SUB, aud: AUD }),
      }),
    );
    const c = out.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  }

  function cloudControl(accountId: string, region: string) {
    const client = new CloudControlClient({
      endpoint: sandbox.url,
      region,
      credentials: creds.get(accountId)!,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  }

  function organizations(accountId: string) {
    const client = new OrganizationsClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: creds.get(accountId)!,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  }

  before(async () => {
    issuer = await startTestIssuer();
    sandbox = await startSandbox({ port: 0, scenario: shippedScenario('small') });
    const everything = [
      'cloudformation:ListResources',
      'cloudformation:GetResource',
      'organizations:ListAccounts',
      'organizations:DescribeOrganization',
      ...Object.values(HANDLER_PERMISSIONS).flatMap((p) => [...p.list, ...p.read]),
    ];
    readerRole(MGMT, everything);
    readerRole(
      MEMBER,
      everything.filter((a) => a !== 'lambda:ListFunctions'),
    );
    creds.set(MGMT, await assume(MGMT));
    creds.set(MEMBER, await assume(MEMBER));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await sandbox?.close();
    await issuer?.close();
  });

  it('a full listing of every type in every region equals the truth (S3 once per account, in its home region)', async () => {
    const truth = (await (await fetch(`${sandbox.url}/_sandbox/truth?accountId=${MGMT}`)).json()) as {
      resources: TruthResource[];
    };
    const seen: string[] = [];
    for (const region of ['us-east-1', 'eu-west-1']) {
      const client = cloudControl(MGMT, region);
      for (const type of RESOURCE_TYPE_NAMES) {
        if (type === 'AWS::ECS::Cluster' && region === 'eu-west-1') continue; // unsupported there
        if (type === 'AWS::S3::Bucket' && region !== 'us-east-1') continue; // buckets: listed once per account
        for await (const page of paginateListResources({ client }, { TypeName: type })) {
          for (const d of page.ResourceDescriptions ?? []) {
            let model = JSON.parse(d.Properties!) as Record<string, unknown>;
            let home = region;
            if (type === 'AWS::S3::Bucket')
              home = String(model.RegionalDomainName).split('.s3.')[1]!.split('.')[0]!;
            if (type === 'AWS::ECS::Cluster' || type === 'AWS::Lambda::Function' || home !== region) {
              const got = await cloudControl(MGMT, home).send(
                new GetResourceCommand({ TypeName: type, Identifier: d.Identifier }),
              );
              model = JSON.parse(got.ResourceDescription!.Properties!) as Record<string, unknown>;
            }
            seen.push(JSON.stringify([home, type, d.Identifier, model]));
          }
        }
      }
    }
    const expected = truth.resources
      .filter((r) => !(r.type === 'AWS::ECS::Cluster' && r.region === 'eu-west-1'))
      .map((r) => JSON.stringify([r.region, r.type, r.identifier, r.properties]));
    assert.equal(seen.length, expected.length);
    assert.deepEqual(seen.sort(), expected.sort());
  });

  it('maps the AWS errors onto the SDK: unsupported, denied (coral), IAM-denied, wrong bucket region, throttled', async () => {
    const unsupported = await sdkFailure(
      cloudControl(MGMT, 'eu-west-1').send(new ListResourcesCommand({ TypeName: 'AWS::ECS::Cluster' })),
    );
    assert.equal(unsupported.name, 'UnsupportedActionException');
    const denied = await sdkFailure(
      cloudControl(MEMBER, 'us-east-1').send(new ListResourcesCommand({ TypeName: 'AWS::RDS::DBInstance' })),
    );
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.$metadata?.httpStatusCode, 400);
    const iamDenied = await sdkFailure(
      cloudControl(MEMBER, 'us-east-1').send(new ListResourcesCommand({ TypeName: 'AWS::Lambda::Function' })),
    );
    assert.equal(iamDenied.name, 'AccessDeniedException');
    assert.match(iamDenied.message, /lambda:ListFunctions/);
    const buckets = await cloudControl(MGMT, 'us-east-1').send(
      new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' }),
    );
    const all = (await (
      await fetch(`${sandbox.url}/_sandbox/truth?accountId=${MGMT}&type=AWS::S3::Bucket&region=eu-west-1`)
    ).json()) as { resources: TruthResource[] };
    const wrong = await sdkFailure(
      cloudControl(MGMT, 'us-east-1').send(
        new GetResourceCommand({ TypeName: 'AWS::S3::Bucket', Identifier: all.resources[0]!.identifier }),
      ),
    );
    assert.equal(wrong.name, 'GeneralServiceException');
    assert.ok(buckets.ResourceDescriptions);

    const faults = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ throttle: { ratePerSecond: 1, burst: 1 } }),
    });
    assert.equal(faults.status, 200);
    const client = cloudControl(MGMT, 'us-east-1');
    await client.send(new ListResourcesCommand({ TypeName: 'AWS::EC2::Instance' }));
    const throttled = await sdkFailure(
      client.send(new ListResourcesCommand({ TypeName: 'AWS::EC2::Instance' })),
    );
    assert.equal(throttled.name, 'ThrottlingException');
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ throttle: { ratePerSecond: null, burst: 1 } }),
    });
  });

  it('Organizations: ListAccounts pages, DescribeOrganization, member refused', async () => {
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${sandbox.url}/_sandbox/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: String(600000000000 + i) }),
      });
      assert.equal(res.status, 200);
    }
    const client = organizations(MGMT);
    const sizes: number[] = [];
    const statuses = new Map<string, string>();
    for await (const page of paginateListAccounts({ client }, {})) {
      sizes.push(page.Accounts!.length);
      for (const a of page.Accounts!) {
        statuses.set(a.Id!, a.Status!);
        assert.ok(a.JoinedTimestamp instanceof Date && !Number.isNaN(a.JoinedTimestamp.getTime()));
      }
    }
    assert.deepEqual(sizes, [20, 8]);
    assert.equal(statuses.get('333333333333'), 'SUSPENDED');
    const org = await client.send(new DescribeOrganizationCommand({}));
    assert.equal(org.Organization?.MasterAccountId, MGMT);
    const member = await sdkFailure(organizations(MEMBER).send(new ListAccountsCommand({})));
    assert.equal(member.name, 'AccessDeniedException');
  });
});
