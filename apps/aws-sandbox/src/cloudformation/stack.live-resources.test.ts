// The live-events resource types deployed by the sandbox's CloudFormation: a home stack (queue + DLQ,
// queue policy, rule, bus policy on aws:PrincipalOrgID, trail) and a StackSet deploying a forwarder to
// every member account × region; then a mutation in a member region arrives in the home queue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startSandbox, type Sandbox } from '../sandbox';
import { startTestIssuer, type TestIssuer } from '../testing/test-issuer';
import { assumeTestRole } from '../testing/web-identity.helpers';

const MGMT = '111111111111';
const MEMBER = '222222222222';
const PATTERN = {
  source: ['aws.s3', 'aws.ec2', 'aws.ecs', 'aws.lambda', 'aws.rds'],
  'detail-type': ['AWS API Call via CloudTrail', 'EC2 Instance State-change Notification'],
};

const FORWARDER = JSON.stringify({
  Parameters: { HomeBusArn: { Type: 'String' } },
  Resources: {
    ForwarderRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Sub': 'tally-forwarder-${AWS::Region}' },
        AssumeRolePolicyDocument: {
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: 'put-events',
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'HomeBusArn' } }],
            },
          },
        ],
      },
    },
    Forwarder: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: 'tally-forwarder',
        EventPattern: PATTERN,
        State: 'ENABLED',
        Targets: [
          { Id: 'home', Arn: { Ref: 'HomeBusArn' }, RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] } },
        ],
      },
    },
    Trail: {
      Type: 'AWS::CloudTrail::Trail',
      Properties: {
        TrailName: { 'Fn::Sub': 'tally-${AWS::Region}' },
        S3BucketName: 'org-audit',
        IsLogging: true,
      },
    },
  },
});

const HOME = `
Parameters:
  OrgId:
    Type: String
Resources:
  DeadLetters:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: tally-events-dlq
      SqsManagedSseEnabled: true
  Events:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: tally-events-c1
      SqsManagedSseEnabled: true
      VisibilityTimeout: 120
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt DeadLetters.Arn
        maxReceiveCount: 5
  EventsPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Events]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Events.Arn
            Condition:
              ArnEquals: { 'aws:SourceArn': !GetAtt Rule.Arn }
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: tally-events
      EventPattern: ${JSON.stringify(PATTERN)}
      Targets:
        - Id: queue
          Arn: !GetAtt Events.Arn
  OrgCanPut:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: tally-org
      Statement:
        Effect: Allow
        Principal: '*'
        Action: events:PutEvents
        Resource: !Sub 'arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default'
        Condition:
          StringEquals: { 'aws:PrincipalOrgID': !Ref OrgId }
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit
      IsLogging: true
      IsMultiRegionTrail: true
  Forwarders:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: tally-forwarders
      PermissionModel: SERVICE_MANAGED
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false }
      Capabilities: [CAPABILITY_NAMED_IAM]
      Parameters:
        - ParameterKey: HomeBusArn
          ParameterValue: !Sub 'arn:aws:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default'
      StackInstancesGroup:
        - DeploymentTargets: { OrganizationalUnitIds: [r-ab12] }
          Regions: [us-east-1, eu-west-1]
      TemplateBody: '${FORWARDER}'
Outputs:
  QueueUrl:
    Value: !Ref Events
  QueueName:
    Value: !GetAtt Events.QueueName
  RuleArn:
    Value: !GetAtt Rule.Arn
  TrailArn:
    Value: !GetAtt Trail.Arn
`;

async function control(sandbox: Sandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

describe('CloudFormation: live-events resources', () => {
  let sandbox: Sandbox;
  let issuer: TestIssuer;
  let sqs: SQSClient;

  before(async () => {
    issuer = await startTestIssuer();
    sandbox = await startSandbox({
      port: 0,
      scenario: {
        organization: {
          managementAccountId: MGMT,
          accounts: [
            { id: MGMT, name: 'management', email: 'mgmt@example.com' },
            { id: MEMBER, name: 'member', email: 'member@example.com' },
          ],
        },
        regions: ['us-east-1', 'eu-west-1'],
      },
    });
    sqs = new SQSClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: await assumeTestRole(sandbox, issuer, MGMT, 'Admin'),
      maxAttempts: 1,
    });
  });
  after(async () => {
    sqs?.destroy();
    await sandbox?.close();
    await issuer?.close();
  });

  it('deploys queue, DLQ, policy, rule, bus policy, trail and the forwarder StackSet; events flow; delete removes them', async () => {
    const orgId = sandbox.cloud.organizationIdOf(MGMT)!;
    const stack = await control(sandbox, 'POST', '/_sandbox/stacks', {
      accountId: MGMT,
      stackName: 'tally',
      region: 'us-east-1',
      templateBody: HOME,
      parameters: { OrgId: orgId },
    });
    const url = stack.outputs.QueueUrl as string;
    assert.equal(url, `${sandbox.url}/${MGMT}/tally-events-c1`);
    assert.equal(stack.outputs.QueueName, 'tally-events-c1');
    assert.equal(stack.outputs.RuleArn, `arn:aws:events:us-east-1:${MGMT}:rule/tally-events`);
    assert.match(stack.outputs.TrailArn, /^arn:aws:cloudtrail:us-east-1:111111111111:trail\/tally-Trail-/);
    const set = stack.resources.find((r: { type: string }) => r.type === 'AWS::CloudFormation::StackSet');
    assert.deepEqual(
      set.instances.map((i: { accountId: string; region: string; status: string }) => [
        i.accountId,
        i.region,
        i.status,
      ]),
      [
        [MEMBER, 'us-east-1', 'CURRENT'],
        [MEMBER, 'eu-west-1', 'CURRENT'],
      ],
    );
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(
      JSON.parse(attrs.Attributes!.RedrivePolicy!).deadLetterTargetArn,
      `arn:aws:sqs:us-east-1:${MGMT}:tally-events-dlq`,
    );
    assert.equal(attrs.Attributes!.SqsManagedSseEnabled, 'true');
    assert.equal(attrs.Attributes!.VisibilityTimeout, '120');

    // Home account, home region: through the local rule.
    const bucket = await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::S3::Bucket',
    });
    // Member account, another region: forwarder rule → home bus (org policy) → home rule → queue.
    const cluster = await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MEMBER,
      region: 'eu-west-1',
      type: 'AWS::ECS::Cluster',
    });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    const seen = (got.Messages ?? [])
      .map((m) => JSON.parse(m.Body!))
      .map((e) => [
        e.account,
        e.region,
        e.detail.eventName,
        e.detail.requestParameters.bucketName ?? e.detail.requestParameters.clusterName,
      ]);
    assert.deepEqual(seen, [
      [MGMT, 'us-east-1', 'CreateBucket', bucket.identifier],
      [MEMBER, 'eu-west-1', 'CreateCluster', cluster.identifier],
    ]);

    await control(sandbox, 'DELETE', '/_sandbox/stacks', { accountId: MGMT, stackName: 'tally' });
    assert.equal(sandbox.sqs.get(MGMT, 'us-east-1', 'tally-events-c1'), undefined);
    assert.equal(sandbox.trails.all().length, 0, 'the home trail and the member trails are gone');
    assert.equal(sandbox.events.bus(MEMBER, 'eu-west-1').rules.size, 0);
    assert.equal(sandbox.events.bus(MGMT, 'us-east-1').policy, undefined);
  });

  it('a bad event pattern fails the stack and rolls it back', async () => {
    const bad = await fetch(`${sandbox.url}/_sandbox/stacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        accountId: MGMT,
        stackName: 'broken',
        templateBody: {
          Resources: {
            Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'kept-or-not' } },
            R: {
              Type: 'AWS::Events::Rule',
              Properties: {
                EventPattern: { source: 'aws.s3' },
                Targets: [{ Id: 'q', Arn: { 'Fn::GetAtt': ['Q', 'Arn'] } }],
              },
            },
          },
        },
      }),
    });
    assert.equal(bad.status, 400);
    assert.match(
      ((await bad.json()) as { error: { message: string } }).error.message,
      /R \(AWS::Events::Rule\): Event pattern is not valid/,
    );
    assert.equal(sandbox.sqs.get(MGMT, 'us-east-1', 'kept-or-not'), undefined);
  });
});
