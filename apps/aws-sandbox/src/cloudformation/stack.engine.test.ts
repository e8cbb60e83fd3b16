import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../contract';
import { IamStore } from '../iam/iam.store';
import { createStackRoutes } from './index';
import { StackEngine } from './stack.engine';

const MGMT = '111111111111';
const MEMBER_A = '222222222222';
const MEMBER_B = '333333333333';
const SUSPENDED = '444444444444';

const ROLE_TEMPLATE = `
Parameters:
  Host:
    Type: String
    AllowedPattern: '[a-z0-9.:-]+'
    ConstraintDescription: a host name
  RoleName:
    Type: String
    Default: Reader
  MakeProvider:
    Type: String
    AllowedValues: ['true', 'false']
    Default: 'true'
  Names:
    Type: CommaDelimitedList
    Default: a,b
Conditions:
  Make: !Equals [!Ref MakeProvider, 'true']
  NotMake: !Not [!Condition Make]
  Both: !And [!Condition Make, !Equals [!Ref 'AWS::Region', eu-west-1]]
  Either: !Or [!Condition NotMake, !Condition Both]
Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Condition: Make
    Properties:
      Url: !Sub https://\${Host}
      ClientIdList: [sts.amazonaws.com]
      ThumbprintList: !If [Either, ['${'a'.repeat(40)}'], !Ref AWS::NoValue]
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Join ['-', [!Ref RoleName, !Select [1, !Ref Names]]]
      Description: !Sub
        - 'in \${AWS::AccountId}/\${AWS::Region}/\${AWS::Partition} for \${Who} \${!Literal}'
        - Who: !Ref AWS::StackName
      AssumeRolePolicyDocument: !Sub
        - '{"Statement":[{"Effect":"Allow","Principal":{"Federated":"\${Arn}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"\${Host}:sub":"s1"}}}]}'
        - Arn: !If [Make, !GetAtt Provider.Arn, !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/\${Host}']
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [cloudformation:ListResources]
                Resource: '*'
Outputs:
  RoleArn:
    Value: !GetAtt [Role, Arn]
  Provider:
    Value: !If [Make, !Ref Provider, none]
  Desc:
    Value: !Sub '\${Role.Arn}|\${Role}'
`;

const MEMBER_TEMPLATE = JSON.stringify({
  Parameters: { RoleName: { Type: 'String' } },
  Resources: {
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { Ref: 'RoleName' },
        AssumeRolePolicyDocument: {
          Statement: [
            { Effect: 'Allow', Principal: { Federated: 'x' }, Action: 'sts:AssumeRoleWithWebIdentity' },
          ],
        },
      },
    },
  },
});

function stackSetTemplate(extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    Resources: {
      Set: {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: { 'Fn::Sub': '${AWS::StackName}-members' },
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          Parameters: [{ ParameterKey: 'RoleName', ParameterValue: 'MemberReader' }],
          StackInstancesGroup: [
            { DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: [{ Ref: 'AWS::Region' }] },
          ],
          TemplateBody: MEMBER_TEMPLATE,
          ...extra,
        },
      },
    },
  });
}

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<AwsError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.status, 400, err.message);
    assert.match(err.message, pattern);
    return err;
  }
  assert.fail(`expected a rejection matching ${pattern}`);
}

describe('sandbox CloudFormation engine', () => {
  let iam: IamStore;
  let accounts: { id: string; status: string }[];
  let engine: StackEngine;

  beforeEach(() => {
    iam = new IamStore();
    accounts = [
      { id: MGMT, status: 'ACTIVE' },
      { id: MEMBER_A, status: 'ACTIVE' },
      { id: MEMBER_B, status: 'ACTIVE' },
      { id: SUSPENDED, status: 'SUSPENDED' },
    ];
    engine = new StackEngine({ iam, organization: () => ({ managementAccountId: MGMT, accounts }) });
  });

  it('evaluates parameters, conditions, Ref, Sub (both forms), GetAtt, If, Join, Select and pseudo parameters', async () => {
    const stack = await engine.deploy({
      accountId: MGMT,
      stackName: 'one',
      templateBody: ROLE_TEMPLATE,
      parameters: { Host: 'id.example.com' },
      region: 'eu-west-1',
    });
    const providerArn = `arn:aws:iam::${MGMT}:oidc-provider/id.example.com`;
    const provider = iam.getOidcProvider(providerArn)!;
    assert.deepEqual(provider.clientIdList, ['sts.amazonaws.com']);
    assert.deepEqual(provider.thumbprintList, ['a'.repeat(40)], 'Both/Either conditions hold in eu-west-1');
    const role = iam.getRole(MGMT, 'Reader-b')!;
    assert.equal(role.description, `in ${MGMT}/eu-west-1/aws for one \${Literal}`);
    assert.deepEqual(role.trustPolicy.Statement[0].Principal, { Federated: [providerArn] });
    assert.deepEqual(role.trustPolicy.Statement[0].Condition, {
      StringEquals: { 'id.example.com:sub': ['s1'] },
    });
    assert.equal(role.policies[0].policyName, 'read');
    assert.deepEqual(stack.outputs, {
      RoleArn: role.arn,
      Provider: providerArn,
      Desc: `${role.arn}|Reader-b`,
    });
    assert.deepEqual(
      stack.resources.map((r) => r.logicalId),
      ['Provider', 'Role'],
    );
    assert.equal(stack.parameters.Names, 'a,b');
  });

  it('skips a resource whose condition is false and removes AWS::NoValue properties', async () => {
    const stack = await engine.deploy({
      accountId: MGMT,
      stackName: 'reuse',
      templateBody: ROLE_TEMPLATE,
      parameters: { Host: 'id.example.com', MakeProvider: 'false' },
    });
    assert.equal(iam.listOidcProviders(MGMT).length, 0);
    assert.deepEqual(
      stack.resources.map((r) => r.logicalId),
      ['Role'],
    );
    assert.equal(stack.outputs.Provider, 'none');
    const role = iam.getRole(MGMT, 'Reader-b')!;
    assert.deepEqual(role.trustPolicy.Statement[0].Principal, {
      Federated: [`arn:aws:iam::${MGMT}:oidc-provider/id.example.com`],
    });
  });

  it('rejects bad parameters with a clear 400', async () => {
    const deploy = (parameters: Record<string, string>, stackName = 'p') =>
      engine.deploy({ accountId: MGMT, stackName, templateBody: ROLE_TEMPLATE, parameters });
    await rejects(deploy({}), /Parameters: \[Host\] must have values/);
    await rejects(deploy({ Host: 'BAD HOST' }), /Parameter 'Host' failed to satisfy constraint: a host name/);
    await rejects(
      deploy({ Host: 'h', MakeProvider: 'yes' }),
      /Parameter 'MakeProvider' must be one of AllowedValues/,
    );
    await rejects(deploy({ Host: 'h', Nope: 'x' }), /Parameters: \[Nope\] do not exist in the template/);
    await rejects(deploy({ Host: 'h' }, '9bad'), /stackName must match/);
    assert.equal(iam.listRoles().length, 0);
  });

  it('rejects unsupported resource types and properties, and bad references', async () => {
    const body = (resources: unknown) => JSON.stringify({ Resources: resources });
    await rejects(
      engine.deploy({
        accountId: MGMT,
        stackName: 'b',
        templateBody: body({ B: { Type: 'AWS::S3::Bucket' } }),
      }),
      /AWS::S3::Bucket is not supported by the sandbox/,
    );
    await rejects(
      engine.deploy({
        accountId: MGMT,
        stackName: 'b',
        templateBody: body({
          P: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://x', ClientIdLists: [] } },
        }),
      }),
      /unsupported properties .*ClientIdLists/,
    );
    await rejects(
      engine.deploy({
        accountId: MGMT,
        stackName: 'b',
        templateBody: body({
          P: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: { 'Fn::Sub': 'https://${Nope}' } } },
        }),
      }),
      /Unresolved resource dependencies \[Nope\]/,
    );
    await rejects(
      engine.deploy({ accountId: MGMT, stackName: 'b', templateBody: 'a: [' }),
      /Template format error/,
    );
  });

  it('rolls back what it created when a later resource fails, and refuses a duplicate provider', async () => {
    iam.createOidcProvider(MGMT, { url: 'https://id.example.com', clientIdList: [] });
    iam.putRole(MGMT, {
      roleName: 'Other',
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' }] },
    });
    await rejects(
      engine.deploy({
        accountId: MGMT,
        stackName: 'dup',
        templateBody: ROLE_TEMPLATE,
        parameters: { Host: 'id.example.com' },
      }),
      /rolled back: Provider \(AWS::IAM::OIDCProvider\): Provider with url https:\/\/id.example.com already exists/,
    );
    const body = JSON.stringify({
      Resources: {
        P: {
          Type: 'AWS::IAM::OIDCProvider',
          Properties: { Url: 'https://fresh.example.com', ClientIdList: ['a'] },
        },
        R: {
          Type: 'AWS::IAM::Role',
          DependsOn: 'P',
          Properties: { RoleName: 'Other', AssumeRolePolicyDocument: { Statement: [] } },
        },
      },
    });
    await rejects(
      engine.deploy({ accountId: MGMT, stackName: 'roll', templateBody: body }),
      /rolled back: R .*Role with name Other already exists/,
    );
    assert.equal(
      iam.findOidcProvider(MGMT, 'fresh.example.com'),
      undefined,
      'the provider created before the failure is gone',
    );
    assert.deepEqual(engine.list(), []);
  });

  it('deletes what a stack created', async () => {
    await engine.deploy({
      accountId: MGMT,
      stackName: 'gone',
      templateBody: ROLE_TEMPLATE,
      parameters: { Host: 'id.example.com' },
    });
    assert.equal(engine.list(MGMT).length, 1);
    await engine.delete(MGMT, 'gone');
    assert.equal(iam.listRoles(MGMT).length, 0);
    assert.equal(iam.listOidcProviders(MGMT).length, 0);
    assert.deepEqual(engine.list(), []);
    await assert.rejects(engine.delete(MGMT, 'gone'), (e: AwsError) => e.status === 404);
  });

  it('a SERVICE_MANAGED StackSet deploys to ACTIVE members only (not the management account) and deletes with its stack', async () => {
    const stack = await engine.deploy({
      accountId: MGMT,
      stackName: 'org',
      templateBody: stackSetTemplate(),
    });
    assert.deepEqual(
      iam
        .listRoles()
        .map((r) => r.accountId)
        .sort(),
      [MEMBER_A, MEMBER_B],
    );
    assert.ok(iam.getRole(MEMBER_A, 'MemberReader'));
    const instances = stack.resources[0].instances!;
    assert.deepEqual(
      instances.map((i) => [i.accountId, i.region, i.status]),
      [
        [MEMBER_A, 'us-east-1', 'CURRENT'],
        [MEMBER_B, 'us-east-1', 'CURRENT'],
      ],
    );
    assert.match(stack.resources[0].physicalId, /^org-members:/);
    assert.equal(engine.list(MEMBER_A).length, 1);
    await engine.delete(MGMT, 'org');
    assert.deepEqual(iam.listRoles(), []);
    assert.deepEqual(engine.list(), []);
  });

  it('auto-deployment reaches accounts that join and leaves accounts that go', async () => {
    await engine.deploy({ accountId: MGMT, stackName: 'org', templateBody: stackSetTemplate() });
    accounts.push({ id: '555555555555', status: 'ACTIVE' });
    accounts.splice(
      accounts.findIndex((a) => a.id === MEMBER_B),
      1,
    );
    await engine.reconcileStackSets();
    assert.deepEqual(
      iam
        .listRoles()
        .map((r) => r.accountId)
        .sort(),
      [MEMBER_A, '555555555555'],
    );
  });

  it('StackSets: checks the caller, the capabilities and the targets', async () => {
    await rejects(
      engine.deploy({ accountId: MEMBER_A, stackName: 's', templateBody: stackSetTemplate() }),
      /not the organization's management account/,
    );
    await engine.deploy({
      accountId: MEMBER_A,
      stackName: 's',
      templateBody: stackSetTemplate({ CallAs: 'DELEGATED_ADMIN' }),
    });
    await rejects(
      engine.deploy({
        accountId: MGMT,
        stackName: 'c',
        templateBody: stackSetTemplate({ Capabilities: [] }),
      }),
      /Requires capabilities/,
    );
    const badOu = stackSetTemplate({
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['123'] }, Regions: ['us-east-1'] },
      ],
    });
    await rejects(
      engine.deploy({ accountId: MGMT, stackName: 'o', templateBody: badOu }),
      /Invalid organizational unit id: 123/,
    );
    const none = new StackEngine({ iam, organization: () => null });
    await rejects(
      none.deploy({ accountId: MGMT, stackName: 'n', templateBody: stackSetTemplate() }),
      /need AWS Organizations/,
    );
  });

  it('a failing member instance fails the StackSet unless tolerated', async () => {
    iam.putRole(MEMBER_B, { roleName: 'MemberReader', assumeRolePolicyDocument: { Statement: [] } });
    await rejects(
      engine.deploy({ accountId: MGMT, stackName: 'strict', templateBody: stackSetTemplate() }),
      /1 stack instance\(s\) failed: 333333333333/,
    );
    assert.equal(iam.getRole(MEMBER_A, 'MemberReader'), undefined, 'the successful instance was rolled back');
    const tolerant = await engine.deploy({
      accountId: MGMT,
      stackName: 'tolerant',
      templateBody: stackSetTemplate({ OperationPreferences: { FailureTolerancePercentage: 100 } }),
    });
    assert.deepEqual(
      tolerant.resources[0].instances!.map((i) => i.status),
      ['CURRENT', 'FAILED'],
    );
  });

  it('routes: POST/GET/DELETE /_sandbox/stacks', async () => {
    const routes = createStackRoutes({ iam, organization: () => null });
    const q = new URLSearchParams();
    const created = (await routes['POST /_sandbox/stacks'](
      {
        accountId: MGMT,
        stackName: 'r',
        templateBody: ROLE_TEMPLATE,
        parameters: [{ ParameterKey: 'Host', ParameterValue: 'h.example' }],
      },
      q,
    )) as { status: string };
    assert.equal(created.status, 'CREATE_COMPLETE');
    const listed = (await routes['GET /_sandbox/stacks'](
      undefined,
      new URLSearchParams({ accountId: MGMT }),
    )) as { stacks: unknown[] };
    assert.equal(listed.stacks.length, 1);
    await assert.rejects(routes['POST /_sandbox/stacks']('nope', q), (e: AwsError) => e.status === 400);
    await routes['DELETE /_sandbox/stacks'](
      undefined,
      new URLSearchParams({ accountId: MGMT, stackName: 'r' }),
    );
    assert.equal(iam.listRoles().length, 0);
    // After an IAM reset the stack name is free again.
    await routes['POST /_sandbox/stacks'](
      { accountId: MGMT, stackName: 'r', templateBody: ROLE_TEMPLATE, parameters: { Host: 'h.example' } },
      q,
    );
    iam.reset();
    await routes['POST /_sandbox/stacks'](
      { accountId: MGMT, stackName: 'r', templateBody: ROLE_TEMPLATE, parameters: { Host: 'h.example' } },
      q,
    );
  });
});
