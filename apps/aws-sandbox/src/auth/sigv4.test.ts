import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CloudControlClient, GetResourceCommand, ListResourcesCommand } from '@aws-sdk/client-cloudcontrol';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsError, JsonService } from '../contract';
import { Sandbox, startSandbox } from '../sandbox';
import type { IssuedCredentials } from '../sts/credentials.store';
import { sdkFailure } from '../testing/sdk-failure';

const ACCOUNT = '444455556666';
const TRUST = {
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::444455556666:oidc-provider/x' },
      Action: 'sts:AssumeRoleWithWebIdentity',
    },
  ],
};

// A minimal Cloud Control stand-in: it authorizes every call and echoes who called.
const testCloudControl: JsonService = {
  signingName: 'cloudcontrolapi',
  targetPrefix: 'CloudApiService',
  contentType: 'application/x-amz-json-1.0',
  accessDeniedCode: 'com.amazon.coral.service#AccessDeniedException',
  async handle(operation, input, ctx) {
    ctx.authorize(`cloudformation:${operation}`);
    const model = JSON.stringify({ account: ctx.accountId, region: ctx.region, principal: ctx.principalArn });
    if (operation === 'ListResources')
      return { TypeName: input.TypeName, ResourceDescriptions: [{ Identifier: 'r-1', Properties: model }] };
    if (operation === 'GetResource')
      return {
        TypeName: input.TypeName,
        ResourceDescription: { Identifier: input.Identifier, Properties: model },
      };
    throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
  },
};
// Signed as `organizations` by the SDK, but the service claims another signing name.
const misnamedOrganizations: JsonService = {
  signingName: 'not-organizations',
  targetPrefix: 'AWSOrganizationsV20161128',
  contentType: 'application/x-amz-json-1.1',
  async handle() {
    return {};
  },
};

describe('SigV4 verification and authorization (real SDK over HTTP)', () => {
  let sandbox: Sandbox;
  let creds: IssuedCredentials;
  const clients: { destroy(): void }[] = [];

  const cc = (
    c: Partial<IssuedCredentials> = {},
    region = 'us-east-1',
    extra: Record<string, unknown> = {},
  ) => {
    const k = { ...creds, ...c };
    const client = new CloudControlClient({
      endpoint: sandbox.url,
      region,
      credentials: {
        accessKeyId: k.accessKeyId,
        secretAccessKey: k.secretAccessKey,
        sessionToken: k.sessionToken,
      },
      ...extra,
    });
    clients.push(client);
    return client;
  };
  const list = (client: CloudControlClient) =>
    client.send(new ListResourcesCommand({ TypeName: 'AWS::S3::Bucket' }));

  before(async () => {
    sandbox = await startSandbox({ port: 0, services: [testCloudControl, misnamedOrganizations] });
  });
  after(async () => {
    clients.forEach((c) => c.destroy());
    await sandbox.close();
  });
  beforeEach(async () => {
    await sandbox.reset();
    const arn = sandbox.iam.putRole(ACCOUNT, { roleName: 'Reader', assumeRolePolicyDocument: TRUST });
    const role = sandbox.iam.getRole(ACCOUNT, 'Reader')!;
    creds = sandbox.credentials.issue(
      {
        accountId: ACCOUNT,
        roleArn: arn,
        roleName: 'Reader',
        roleId: role.roleId,
        sessionName: 's1',
        principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Reader/s1`,
      },
      3600,
    );
  });

  it('accepts a call signed with issued credentials and builds the call context', async () => {
    const out = await list(cc({}, 'eu-west-1'));
    const model = JSON.parse(out.ResourceDescriptions![0].Properties!);
    assert.deepEqual(model, {
      account: ACCOUNT,
      region: 'eu-west-1',
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Reader/s1`,
    });
    const [call] = sandbox.calls.list({ service: 'cloudcontrolapi' });
    assert.equal(call.operation, 'ListResources');
    assert.equal(call.outcome, 'ok');
    assert.equal(call.region, 'eu-west-1');
  });

  it('rejects a wrong secret with InvalidSignatureException', async () => {
    const err = await sdkFailure(list(cc({ secretAccessKey: 'x'.repeat(40) })));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.equal(err.$metadata?.httpStatusCode, 403);
  });

  it('rejects an unknown key or a wrong session token with UnrecognizedClientException', async () => {
    const unknown = await sdkFailure(list(cc({ accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' })));
    assert.equal(unknown.name, 'UnrecognizedClientException');
    const token = await sdkFailure(list(cc({ sessionToken: 'not-the-token' })));
    assert.equal(token.name, 'UnrecognizedClientException');
    assert.equal(token.message, 'The security token included in the request is invalid.');
  });

  it('rejects expired credentials with ExpiredTokenException', async () => {
    creds.expiration = new Date(Date.now() - 1000);
    const err = await sdkFailure(list(cc()));
    assert.equal(err.name, 'ExpiredTokenException');
  });

  it('rejects a request signed 20 minutes off, and the SDK corrects its clock from the Date header', async () => {
    const err = await sdkFailure(
      list(cc({}, 'us-east-1', { systemClockOffset: -20 * 60_000, maxAttempts: 1 })),
    );
    assert.equal(err.name, 'InvalidSignatureException');
    assert.match(err.message, /Signature expired/);
    const out = await list(cc({}, 'us-east-1', { systemClockOffset: -20 * 60_000 }));
    assert.equal(out.ResourceDescriptions?.length, 1);
  });

  it('rejects a credential scoped to another service', async () => {
    const org = new OrganizationsClient({ endpoint: sandbox.url, region: 'us-east-1', credentials: creds });
    clients.push(org);
    const err = await sdkFailure(org.send(new DescribeOrganizationCommand({})));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.match(err.message, /scoped to correct service: 'not-organizations'/);
  });

  it('answers a missing signature with MissingAuthenticationTokenException', async () => {
    const res = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'x-amz-target': 'CloudApiService.ListResources',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    });
    assert.equal(res.status, 403);
    assert.equal(
      ((await res.json()) as { __type: string }).__type,
      'com.amazon.coral.service#MissingAuthenticationTokenException',
    );
  });

  it('treats a disabled region like AWS: JSON services do not recognise the token, STS is not activated', async () => {
    sandbox.settings.update({ disabledRegions: { [ACCOUNT]: ['ap-east-1'] } });
    const err = await sdkFailure(list(cc({}, 'ap-east-1')));
    assert.equal(err.name, 'UnrecognizedClientException');
    assert.ok(await list(cc({}, 'us-east-1')));
    const sts = new STSClient({ endpoint: sandbox.url, region: 'ap-east-1', credentials: creds });
    clients.push(sts);
    const stsErr = await sdkFailure(sts.send(new GetCallerIdentityCommand({})));
    assert.equal(stsErr.name, 'RegionDisabledException');
    assert.match(stsErr.message, /STS is not activated in this region for account:444455556666/);
  });

  it('uses the query-protocol codes for signed STS calls', async () => {
    const sts = (c: Partial<IssuedCredentials>) => {
      const client = new STSClient({
        endpoint: sandbox.url,
        region: 'us-east-1',
        credentials: { ...creds, ...c },
      });
      clients.push(client);
      return client.send(new GetCallerIdentityCommand({}));
    };
    assert.equal((await sdkFailure(sts({ secretAccessKey: 'y'.repeat(40) }))).name, 'SignatureDoesNotMatch');
    assert.equal(
      (await sdkFailure(sts({ accessKeyId: 'ASIABBBBBBBBBBBBBBBB' }))).name,
      'InvalidClientTokenId',
    );
    creds.expiration = new Date(Date.now() - 1000);
    assert.equal((await sdkFailure(sts({}))).name, 'ExpiredToken');
  });

  it('authorizes with the role policies: wildcards allow, an explicit Deny wins, no role denies', async () => {
    const client = cc();
    const get = () => client.send(new GetResourceCommand({ TypeName: 'AWS::S3::Bucket', Identifier: 'b' }));
    assert.ok(await get(), 'a role without policies allows everything');

    sandbox.iam.putRole(ACCOUNT, {
      roleName: 'Reader',
      assumeRolePolicyDocument: TRUST,
      policies: [
        {
          policyName: 'p',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['cloudformation:List*'], Resource: '*' }],
          },
        },
      ],
    });
    assert.ok(await list(client));
    const denied = await sdkFailure(get());
    assert.equal(denied.name, 'AccessDeniedException');
    assert.match(denied.message, /not authorized to perform: cloudformation:GetResource/);
    assert.equal(sandbox.calls.list().at(-1)?.errorCode, 'com.amazon.coral.service#AccessDeniedException');

    sandbox.iam.putRole(ACCOUNT, {
      roleName: 'Reader',
      assumeRolePolicyDocument: TRUST,
      policies: [
        {
          policyName: 'p',
          policyDocument: JSON.stringify({
            Statement: [
              { Effect: 'Allow', Action: '*', Resource: '*' },
              { Effect: 'Deny', Action: 'cloudformation:Get*', Resource: '*' },
            ],
          }),
        },
      ],
    });
    assert.ok(await list(client));
    assert.equal((await sdkFailure(get())).name, 'AccessDeniedException');

    sandbox.iam.deleteRole(ACCOUNT, 'Reader');
    assert.equal((await sdkFailure(list(client))).name, 'AccessDeniedException');
  });
});
