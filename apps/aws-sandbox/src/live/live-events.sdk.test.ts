// Live events end to end through the real SDK clients: a control-endpoint mutation → CloudTrail
// (only with a logging trail) → EventBridge rule (pattern) → SQS queue (only with a queue policy for
// events.amazonaws.com scoped by aws:SourceArn), cross-account bus forwarding by aws:PrincipalOrgID,
// failed calls, noise, and the knobs.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startSandbox, type Sandbox } from '../sandbox';
import { startTestIssuer, type TestIssuer } from '../testing/test-issuer';
import { assumeTestRole, type TestCredentials } from '../testing/web-identity.helpers';

const MGMT = '111111111111';
const MEMBER = '222222222222';
const OUTSIDER = '333333333333';
const SOURCES = ['aws.s3', 'aws.ec2', 'aws.ecs', 'aws.lambda', 'aws.rds'];
const PATTERN = {
  source: SOURCES,
  'detail-type': ['AWS API Call via CloudTrail', 'EC2 Instance State-change Notification'],
};

async function control(sandbox: Sandbox, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

describe('live events through the AWS SDK over HTTP', () => {
  let sandbox: Sandbox;
  let issuer: TestIssuer;
  const creds = new Map<string, TestCredentials>();
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);
  const sqs = (account: string, region = 'us-east-1') =>
    track(new SQSClient({ endpoint: sandbox.url, region, credentials: creds.get(account)!, maxAttempts: 1 }));
  const eb = (account: string, region = 'us-east-1') =>
    track(
      new EventBridgeClient({
        endpoint: sandbox.url,
        region,
        credentials: creds.get(account)!,
        maxAttempts: 1,
      }),
    );
  const ct = (account: string, region = 'us-east-1') =>
    track(
      new CloudTrailClient({
        endpoint: sandbox.url,
        region,
        credentials: creds.get(account)!,
        maxAttempts: 1,
      }),
    );

  /** Queue + rule (+ optionally the queue policy) in (account, region); returns the queue URL. */
  async function wire(account: string, name: string, withPolicy: boolean, region = 'us-east-1') {
    const url = (await sqs(account, region).send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const queueArn = `arn:aws:sqs:${region}:${account}:${name}`;
    const { RuleArn } = await eb(account, region).send(
      new PutRuleCommand({ Name: `${name}-rule`, EventPattern: JSON.stringify(PATTERN) }),
    );
    await eb(account, region).send(
      new PutTargetsCommand({ Rule: `${name}-rule`, Targets: [{ Id: 'queue', Arn: queueArn }] }),
    );
    if (withPolicy) {
      const policy = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } },
          },
        ],
      };
      await sqs(account, region).send(
        new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }),
      );
    }
    return { url, ruleArn: RuleArn! };
  }

  async function trail(account: string, multiRegion = true, region = 'us-east-1') {
    const name = `trail-${Math.random().toString(36).slice(2, 8)}`;
    await ct(account, region).send(
      new CreateTrailCommand({ Name: name, S3BucketName: 'audit-logs', IsMultiRegionTrail: multiRegion }),
    );
    await ct(account, region).send(new StartLoggingCommand({ Name: name }));
    return name;
  }

  const receiveAll = async (account: string, url: string, region = 'us-east-1') =>
    (
      (
        await sqs(account, region).send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        )
      ).Messages ?? []
    ).map(
      (m) =>
        JSON.parse(m.Body!) as {
          id: string;
          source: string;
          'detail-type': string;
          detail: Record<string, any>;
        },
    );

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
        accounts: [{ id: OUTSIDER }],
        regions: ['us-east-1', 'eu-west-1'],
      },
    });
  });
  beforeEach(async () => {
    await sandbox.reset();
    for (const a of [MGMT, MEMBER, OUTSIDER]) creds.set(a, await assumeTestRole(sandbox, issuer, a, 'Admin'));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await sandbox?.close();
    await issuer?.close();
  });

  it('a trail reports its logging status; multi-region trails show as shadow trails elsewhere', async () => {
    const name = await trail(MGMT);
    assert.equal((await ct(MGMT).send(new GetTrailStatusCommand({ Name: name }))).IsLogging, true);
    await ct(MGMT).send(new StopLoggingCommand({ Name: name }));
    const status = await ct(MGMT).send(new GetTrailStatusCommand({ Name: name }));
    assert.equal(status.IsLogging, false);
    assert.ok(status.StopLoggingTime instanceof Date);
    const eu = await ct(MGMT, 'eu-west-1').send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    assert.deepEqual(
      eu.trailList?.map((t) => [t.Name, t.HomeRegion, t.IsMultiRegionTrail]),
      [[name, 'us-east-1', true]],
    );
    const own = await ct(MGMT, 'eu-west-1').send(new DescribeTrailsCommand({ includeShadowTrails: false }));
    assert.deepEqual(own.trailList, []);
    const missing = await ct(MGMT)
      .send(new GetTrailStatusCommand({ Name: 'nope' }))
      .catch((e: Error) => e);
    assert.equal((missing as Error).name, 'TrailNotFoundException');
  });

  it('a mutation reaches the queue as the CloudTrail event AWS sends, only with a logging trail', async () => {
    const { url } = await wire(MGMT, 'tally-events', true);
    // No trail yet: the API-call event never reaches EventBridge.
    const created = await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::S3::Bucket',
    });
    assert.deepEqual(await receiveAll(MGMT, url), []);
    const name = await trail(MGMT);
    await control(sandbox, 'PATCH', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::S3::Bucket',
      identifier: created.identifier,
      tags: { team: 'data' },
    });
    const [tagged] = await receiveAll(MGMT, url);
    assert.equal(tagged.source, 'aws.s3');
    assert.equal(tagged['detail-type'], 'AWS API Call via CloudTrail');
    assert.equal(tagged.detail.eventSource, 's3.amazonaws.com');
    assert.equal(tagged.detail.eventName, 'PutBucketTagging');
    assert.equal(tagged.detail.requestParameters.bucketName, created.identifier);
    assert.deepEqual(tagged.detail.requestParameters.Tagging.TagSet.Tag, [{ Key: 'team', Value: 'data' }]);
    assert.equal(tagged.detail.recipientAccountId, MGMT);
    assert.equal(tagged.detail.awsRegion, 'us-east-1');
    assert.equal(tagged.detail.userIdentity.type, 'AssumedRole');

    // EC2: RunInstances carries the instance id in responseElements, plus state-change notifications.
    const ec2 = await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::EC2::Instance',
    });
    const got = await receiveAll(MGMT, url);
    const run = got.find((e) => e.detail.eventName === 'RunInstances')!;
    assert.equal(run.detail.responseElements.instancesSet.items[0].instanceId, ec2.identifier);
    assert.deepEqual(
      got
        .filter((e) => e['detail-type'] === 'EC2 Instance State-change Notification')
        .map((e) => [e.detail['instance-id'], e.detail.state]),
      [
        [ec2.identifier, 'pending'],
        [ec2.identifier, 'running'],
      ],
    );
    // A failed call carries errorCode and changes nothing.
    const failed = await control(sandbox, 'DELETE', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::S3::Bucket',
      identifier: created.identifier,
      event: { errorCode: 'BucketNotEmpty', errorMessage: 'The bucket you tried to delete is not empty' },
    });
    assert.equal(failed.deleted, false);
    const [failedEvent] = await receiveAll(MGMT, url);
    assert.equal(failedEvent.detail.eventName, 'DeleteBucket');
    assert.equal(failedEvent.detail.errorCode, 'BucketNotEmpty');
    assert.equal(failedEvent.detail.responseElements, null);
    const truth = await control(sandbox, 'GET', `/_sandbox/truth?accountId=${MGMT}&type=AWS::S3::Bucket`);
    assert.equal((truth.summary as { total: number }).total, 1, 'the bucket still exists');
    // Stopping the trail stops API-call events again.
    await ct(MGMT).send(new StopLoggingCommand({ Name: name }));
    await control(sandbox, 'DELETE', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::S3::Bucket',
      identifier: created.identifier,
    });
    assert.deepEqual(await receiveAll(MGMT, url), []);
  });

  it('without the queue policy EventBridge cannot deliver; a policy for another rule does not help', async () => {
    const { url, ruleArn } = await wire(MGMT, 'unguarded', false);
    await trail(MGMT);
    await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::ECS::Cluster',
    });
    assert.deepEqual(await receiveAll(MGMT, url), []);
    const deliveries = (
      await control(sandbox, 'GET', `/_sandbox/events/deliveries?ruleArn=${encodeURIComponent(ruleArn)}`)
    ).deliveries as { outcome: string }[];
    assert.deepEqual(
      deliveries.map((d) => d.outcome),
      ['denied'],
    );
    const wrongRule = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: `arn:aws:sqs:us-east-1:${MGMT}:unguarded`,
          Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${MGMT}:rule/other` } },
        },
      ],
    };
    await sqs(MGMT).send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(wrongRule) } }),
    );
    await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::ECS::Cluster',
    });
    assert.deepEqual(await receiveAll(MGMT, url), []);
  });

  it('a member account forwards to the home bus only when its bus policy allows the organization', async () => {
    const { url } = await wire(MGMT, 'home', true);
    const homeBus = `arn:aws:events:us-east-1:${MGMT}:event-bus/default`;
    await trail(MEMBER);
    await trail(OUTSIDER);
    for (const account of [MEMBER, OUTSIDER]) {
      creds.set(account, await assumeTestRole(sandbox, issuer, account, 'Admin'));
      sandbox.iam.putRole(account, {
        roleName: 'forwarder',
        assumeRolePolicyDocument: {
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        policies: [
          {
            policyName: 'put',
            policyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: homeBus }],
            },
          },
        ],
      });
      await eb(account, 'eu-west-1').send(
        new PutRuleCommand({ Name: 'forward', EventPattern: JSON.stringify(PATTERN) }),
      );
      await eb(account, 'eu-west-1').send(
        new PutTargetsCommand({
          Rule: 'forward',
          Targets: [{ Id: 'home', Arn: homeBus, RoleArn: `arn:aws:iam::${account}:role/forwarder` }],
        }),
      );
    }
    const mutate = (account: string) =>
      control(sandbox, 'POST', '/_sandbox/resources', {
        accountId: account,
        region: 'eu-west-1',
        type: 'AWS::Lambda::Function',
      });
    await mutate(MEMBER);
    assert.deepEqual(await receiveAll(MGMT, url), [], 'no bus policy yet');
    const orgId = sandbox.cloud.organizationIdOf(MGMT)!;
    await eb(MGMT).send(
      new PutPermissionCommand({
        StatementId: 'org',
        Action: 'events:PutEvents',
        Principal: '*',
        Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: orgId },
      }),
    );
    assert.match((await eb(MGMT).send(new DescribeEventBusCommand({}))).Policy!, /aws:PrincipalOrgID/);
    const member = await mutate(MEMBER);
    const [forwarded] = await receiveAll(MGMT, url);
    assert.equal(forwarded.detail.eventName, 'CreateFunction20150331');
    assert.equal(forwarded.detail.recipientAccountId, MEMBER);
    assert.equal(forwarded.detail.awsRegion, 'eu-west-1');
    assert.equal(forwarded.detail.responseElements.functionName, member.identifier);
    await mutate(OUTSIDER);
    assert.deepEqual(await receiveAll(MGMT, url), [], 'an account outside the organization is refused');
  });

  it('a FIFO queue target gets the rule target MessageGroupId; callers need events permissions', async () => {
    const url = (
      await sqs(MGMT).send(
        new CreateQueueCommand({ QueueName: 'ordered.fifo', Attributes: { FifoQueue: 'true' } }),
      )
    ).QueueUrl!;
    const queueArn = `arn:aws:sqs:us-east-1:${MGMT}:ordered.fifo`;
    const { RuleArn } = await eb(MGMT).send(
      new PutRuleCommand({ Name: 'ordered', EventPattern: JSON.stringify({ source: ['my.app'] }) }),
    );
    await eb(MGMT).send(
      new PutTargetsCommand({
        Rule: 'ordered',
        Targets: [{ Id: 'q', Arn: queueArn, SqsParameters: { MessageGroupId: 'events' } }],
      }),
    );
    const policy = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } },
        },
      ],
    };
    await sqs(MGMT).send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }),
    );
    await eb(MGMT).send(
      new PutEventsCommand({
        Entries: [1, 2, 3].map((n) => ({ Source: 'my.app', DetailType: 'n', Detail: JSON.stringify({ n }) })),
      }),
    );
    const got = await sqs(MGMT).send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    assert.deepEqual(
      got.Messages?.map((m) => [JSON.parse(m.Body!).detail.n, m.Attributes?.MessageGroupId]),
      [
        [1, 'events'],
        [2, 'events'],
        [3, 'events'],
      ],
    );
    const queues = (await control(sandbox, 'GET', `/_sandbox/sqs/queues?accountId=${MGMT}`)).queues as {
      name: string;
      inFlight: number;
      received: number;
    }[];
    assert.deepEqual(
      queues.map((q) => [q.name, q.inFlight, q.received]),
      [['ordered.fifo', 3, 3]],
    );

    creds.set(
      MEMBER,
      await assumeTestRole(sandbox, issuer, MEMBER, 'ReadOnly', [
        { Effect: 'Allow', Action: 'events:DescribeRule', Resource: '*' },
      ]),
    );
    const denied = await eb(MEMBER)
      .send(new PutRuleCommand({ Name: 'x', EventPattern: '{"source":["a"]}' }))
      .catch((e: Error) => e);
    assert.equal((denied as Error).name, 'AccessDeniedException');
    const notFound = await eb(MEMBER)
      .send(new DescribeRuleCommand({ Name: 'x' }))
      .catch((e: Error) => e);
    assert.equal((notFound as Error).name, 'ResourceNotFoundException');
  });

  it('PutEvents refuses aws.* sources; rules describe their pattern', async () => {
    await wire(MGMT, 'custom', true);
    const out = await eb(MGMT).send(
      new PutEventsCommand({
        Entries: [
          { Source: 'aws.s3', DetailType: 'AWS API Call via CloudTrail', Detail: '{}' },
          { Source: 'my.app', DetailType: 'x', Detail: '{"a":1}' },
        ],
      }),
    );
    assert.equal(out.FailedEntryCount, 1);
    assert.equal(out.Entries?.[0]?.ErrorCode, 'NotAuthorizedForSourceException');
    assert.ok(out.Entries?.[1]?.EventId);
    const rule = await eb(MGMT).send(new DescribeRuleCommand({ Name: 'custom-rule' }));
    assert.deepEqual(JSON.parse(rule.EventPattern!), PATTERN);
    assert.equal(rule.State, 'ENABLED');
    const bad = await eb(MGMT)
      .send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"aws.s3"}' }))
      .catch((e: Error) => e);
    assert.equal((bad as Error).name, 'InvalidEventPatternException');
  });

  it('knobs: duplicates, drops and delay are deterministic with a seed; noise and failed calls are other events', async () => {
    const { url } = await wire(MGMT, 'knobs', true);
    await trail(MGMT);
    await control(sandbox, 'POST', '/_sandbox/events/knobs', { seed: 'fixed', duplicateRate: 1 });
    await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::RDS::DBInstance',
    });
    const dup = await receiveAll(MGMT, url);
    assert.equal(dup.length, 2);
    assert.equal(dup[0].id, dup[1].id, 'a duplicate keeps its event id');
    assert.equal(dup[0].detail.eventName, 'CreateDBInstance');
    await control(sandbox, 'POST', '/_sandbox/events/knobs', { duplicateRate: 0, dropRate: 1 });
    await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::RDS::DBInstance',
    });
    assert.deepEqual(await receiveAll(MGMT, url), []);
    await control(sandbox, 'POST', '/_sandbox/events/knobs', {
      dropRate: 0,
      deliveryDelayMs: 150,
      failedCallRate: 1,
    });
    const started = Date.now();
    const db = await control(sandbox, 'POST', '/_sandbox/resources', {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::RDS::DBInstance',
    });
    const first = await sqs(MGMT).send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
    );
    assert.ok(Date.now() - started >= 140, 'delivered after the delay');
    await control(sandbox, 'POST', '/_sandbox/events/idle');
    const bodies = [
      ...(first.Messages ?? []).map((m) => JSON.parse(m.Body!)),
      ...(await receiveAll(MGMT, url)),
    ];
    const names = bodies.map((b) => `${b.source}:${b.detail.eventName}:${b.detail.errorCode ?? ''}`).sort();
    assert.ok(names.includes('aws.rds:CreateDBInstance:'), names.join());
    assert.ok(
      names.some((n) => n.startsWith('aws.rds:') && !n.endsWith(':')),
      `a failed call: ${names.join()}`,
    );
    assert.ok(db.identifier);
    await control(sandbox, 'POST', '/_sandbox/events/knobs', { deliveryDelayMs: 0, failedCallRate: 0 });
    await control(sandbox, 'POST', '/_sandbox/events/noise', {
      accountId: MGMT,
      region: 'us-east-1',
      kind: 'eks-create-cluster',
    });
    const emitted = (await control(sandbox, 'GET', `/_sandbox/events/emitted?accountId=${MGMT}`)).events as {
      event: { source: string; detail: { eventName: string; eventSource: string } };
    }[];
    const noise = emitted.at(-1)!.event;
    assert.deepEqual(
      [noise.source, noise.detail.eventSource, noise.detail.eventName],
      ['aws.eks', 'eks.amazonaws.com', 'CreateCluster'],
    );
    assert.deepEqual(await receiveAll(MGMT, url), [], 'EKS is not one of the rule sources');
  });
});
