// One test per table row family, each with a sample shaped as AWS documents it (EventBridge envelope
// around the CloudTrail record; the EC2 state-change notification as in the EC2 user guide).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { extractResources, parseEnvelope, refKey } from './event-extract';
import { EVENT_RULES } from './event-rules';

const ACCOUNT = '123456789012';
const OTHER = '210987654321';

/** An EventBridge "AWS API Call via CloudTrail" event around a CloudTrail record. */
function cloudTrail(
  source: string,
  eventSource: string,
  eventName: string,
  record: {
    requestParameters?: unknown;
    responseElements?: unknown;
    errorCode?: string;
    errorMessage?: string;
  },
  account = ACCOUNT,
  region = 'us-east-1',
) {
  return {
    version: '0',
    id: '6f87d04b-9f74-4f04-a780-7acf4b0a9b38',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account,
    time: '2026-11-30T10:15:42Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEID:jane',
        arn: `arn:aws:sts::${account}:assumed-role/Admin/jane`,
        accountId: account,
      },
      eventTime: '2026-11-30T10:15:40Z',
      eventSource,
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.12',
      userAgent: 'aws-cli/2.15.0',
      requestParameters: record.requestParameters ?? null,
      responseElements: record.responseElements ?? null,
      ...(record.errorCode ? { errorCode: record.errorCode, errorMessage: record.errorMessage } : {}),
      requestID: 'EXAMPLE8A0B1C2D3',
      eventID: 'c5b0a4b2-0d5e-4e0c-9a52-0e3c0f5d2e11',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}

const ids = (e: unknown) => {
  const out = extractResources(e as never);
  assert.equal(out.outcome, 'resources', JSON.stringify(out));
  return out.outcome === 'resources' ? out.resources.map((r) => `${r.type} ${r.identifier}`) : [];
};

describe('CloudTrail event → resources (one table keyed by eventSource:eventName)', () => {
  it('S3: CreateBucket / DeleteBucket / PutBucketTagging name the bucket, in the event region', () => {
    const created = cloudTrail(
      'aws.s3',
      's3.amazonaws.com',
      'CreateBucket',
      {
        requestParameters: {
          CreateBucketConfiguration: {
            LocationConstraint: 'eu-west-1',
            xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
          },
          bucketName: 'acme-logs',
          Host: 'acme-logs.s3.eu-west-1.amazonaws.com',
        },
      },
      ACCOUNT,
      'eu-west-1',
    );
    const out = extractResources(created as never);
    assert.equal(out.outcome, 'resources');
    assert.deepEqual(out.outcome === 'resources' && out.resources, [
      { accountId: ACCOUNT, region: 'eu-west-1', type: 'AWS::S3::Bucket', identifier: 'acme-logs' },
    ]);
    for (const name of ['DeleteBucket', 'PutBucketTagging', 'DeleteBucketTagging', 'PutBucketPolicy'])
      assert.deepEqual(
        ids(
          cloudTrail('aws.s3', 's3.amazonaws.com', name, {
            requestParameters: { bucketName: 'acme-logs', Host: 'x' },
          }),
        ),
        ['AWS::S3::Bucket acme-logs'],
      );
  });

  it('a failed call (detail.errorCode) changes nothing: a failed DeleteBucket never deletes the bucket (Mia)', () => {
    const failed = cloudTrail('aws.s3', 's3.amazonaws.com', 'DeleteBucket', {
      requestParameters: { bucketName: 'acme-logs', Host: 'acme-logs.s3.amazonaws.com' },
      errorCode: 'BucketNotEmpty',
      errorMessage: 'The bucket you tried to delete is not empty',
    });
    assert.deepEqual(extractResources(failed as never), {
      outcome: 'ignored',
      eventId: 'c5b0a4b2-0d5e-4e0c-9a52-0e3c0f5d2e11',
      key: 's3.amazonaws.com:DeleteBucket',
      reason: 'failed-call',
    });
    const denied = cloudTrail('aws.ec2', 'ec2.amazonaws.com', 'TerminateInstances', {
      requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc1234def567890' }] } },
      errorCode: 'Client.UnauthorizedOperation',
    });
    assert.equal(extractResources(denied as never).outcome, 'ignored');
  });

  it('EC2: RunInstances response ids, Stop/Terminate request ids, CreateTags only on i-… resources', () => {
    const run = cloudTrail('aws.ec2', 'ec2.amazonaws.com', 'RunInstances', {
      requestParameters: {
        instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890', minCount: 2, maxCount: 2 }] },
        instanceType: 't3.micro',
      },
      responseElements: {
        requestId: 'ab12cd34-5678-90ef-ab12-cd34ef567890',
        reservationId: 'r-0123456789abcdef0',
        ownerId: ACCOUNT,
        instancesSet: {
          items: [
            {
              instanceId: 'i-0a1b2c3d4e5f60718',
              imageId: 'ami-0abcdef1234567890',
              instanceState: { code: 0, name: 'pending' },
            },
            {
              instanceId: 'i-0a1b2c3d4e5f60719',
              imageId: 'ami-0abcdef1234567890',
              instanceState: { code: 0, name: 'pending' },
            },
          ],
        },
      },
    });
    assert.deepEqual(ids(run), [
      'AWS::EC2::Instance i-0a1b2c3d4e5f60718',
      'AWS::EC2::Instance i-0a1b2c3d4e5f60719',
    ]);
    const stop = cloudTrail('aws.ec2', 'ec2.amazonaws.com', 'StopInstances', {
      requestParameters: { instancesSet: { items: [{ instanceId: 'i-0a1b2c3d4e5f60718' }] }, force: false },
      responseElements: {
        instancesSet: {
          items: [
            {
              instanceId: 'i-0a1b2c3d4e5f60718',
              currentState: { code: 64, name: 'stopping' },
              previousState: { code: 16, name: 'running' },
            },
          ],
        },
      },
    });
    assert.deepEqual(ids(stop), ['AWS::EC2::Instance i-0a1b2c3d4e5f60718']);
    const tags = cloudTrail('aws.ec2', 'ec2.amazonaws.com', 'CreateTags', {
      requestParameters: {
        resourcesSet: {
          items: [{ resourceId: 'i-0a1b2c3d4e5f60718' }, { resourceId: 'vol-0123456789abcdef0' }],
        },
        tagSet: { items: [{ key: 'team', value: 'core' }] },
      },
      responseElements: { _return: true },
    });
    assert.deepEqual(ids(tags), ['AWS::EC2::Instance i-0a1b2c3d4e5f60718']);
    const volumeOnly = cloudTrail('aws.ec2', 'ec2.amazonaws.com', 'CreateTags', {
      requestParameters: { resourcesSet: { items: [{ resourceId: 'vol-0123456789abcdef0' }] } },
    });
    assert.equal((extractResources(volumeOnly as never) as { reason?: string }).reason, 'no-resource');
    const modify = cloudTrail('aws.ec2', 'ec2.amazonaws.com', 'ModifyInstanceAttribute', {
      requestParameters: { instanceId: 'i-0a1b2c3d4e5f60718', instanceType: { value: 't3.large' } },
    });
    assert.deepEqual(ids(modify), ['AWS::EC2::Instance i-0a1b2c3d4e5f60718']);
  });

  it("EC2 Instance State-change Notification (EC2's own event): detail instance-id", () => {
    const event = {
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: ACCOUNT,
      time: '2021-11-11T21:29:54Z',
      region: 'us-east-1',
      resources: [`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1234567890abcdef0`],
      detail: { 'instance-id': 'i-1234567890abcdef0', state: 'pending' },
    };
    const out = extractResources(event as never);
    assert.equal(out.outcome, 'resources');
    assert.equal(out.eventId, '7bf73129-1428-4cd3-a780-95db273d1602');
    assert.deepEqual(ids(event), ['AWS::EC2::Instance i-1234567890abcdef0']);
  });

  it('ECS CreateCluster and EKS CreateCluster never collide (Port); names and ARNs give the cluster name', () => {
    const ecs = cloudTrail('aws.ecs', 'ecs.amazonaws.com', 'CreateCluster', {
      requestParameters: { clusterName: 'payments' },
      responseElements: {
        cluster: {
          clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/payments`,
          clusterName: 'payments',
          status: 'ACTIVE',
        },
      },
    });
    assert.deepEqual(ids(ecs), ['AWS::ECS::Cluster payments']);
    const eks = cloudTrail('aws.eks', 'eks.amazonaws.com', 'CreateCluster', {
      requestParameters: {
        name: 'payments',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
        resourcesVpcConfig: { subnetIds: ['subnet-1'] },
      },
      responseElements: {
        cluster: { name: 'payments', arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/payments` },
      },
    });
    assert.deepEqual(extractResources(eks as never), {
      outcome: 'ignored',
      eventId: 'c5b0a4b2-0d5e-4e0c-9a52-0e3c0f5d2e11',
      key: 'eks.amazonaws.com:CreateCluster',
      reason: 'unknown-event',
    });
    const byArn = cloudTrail('aws.ecs', 'ecs.amazonaws.com', 'DeleteCluster', {
      requestParameters: { cluster: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/payments` },
    });
    assert.deepEqual(ids(byArn), ['AWS::ECS::Cluster payments']);
    const tag = cloudTrail('aws.ecs', 'ecs.amazonaws.com', 'TagResource', {
      requestParameters: {
        resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/payments`,
        tags: [{ key: 'team', value: 'core' }],
      },
    });
    assert.deepEqual(ids(tag), ['AWS::ECS::Cluster payments']);
    const serviceTag = cloudTrail('aws.ecs', 'ecs.amazonaws.com', 'TagResource', {
      requestParameters: { resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/payments/api`, tags: [] },
    });
    assert.equal(extractResources(serviceTag as never).outcome, 'ignored');
    const unnamed = cloudTrail('aws.ecs', 'ecs.amazonaws.com', 'CreateCluster', { requestParameters: {} });
    assert.deepEqual(ids(unnamed), ['AWS::ECS::Cluster default']);
  });

  it('Lambda: versioned event names, names, ARNs and partial ARNs give the function name; keys carry the account (Mia)', () => {
    const create = cloudTrail('aws.lambda', 'lambda.amazonaws.com', 'CreateFunction20150331', {
      requestParameters: {
        functionName: 'resize',
        runtime: 'nodejs20.x',
        role: `arn:aws:iam::${ACCOUNT}:role/fn`,
        handler: 'index.handler',
      },
      responseElements: {
        functionName: 'resize',
        functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:resize`,
        runtime: 'nodejs20.x',
      },
    });
    assert.deepEqual(ids(create), ['AWS::Lambda::Function resize']);
    for (const [name, params] of [
      ['DeleteFunction20150331', { functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:resize` }],
      ['UpdateFunctionConfiguration20150331v2', { functionName: 'resize', memorySize: 512 }],
      ['UpdateFunctionCode20150331v2', { functionName: `${ACCOUNT}:function:resize`, publish: false }],
      [
        'TagResource20170331v2',
        { resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:resize`, tags: { team: 'core' } },
      ],
      [
        'UntagResource20170331v2',
        { resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:resize:prod`, tagKeys: ['team'] },
      ],
    ] as const)
      assert.deepEqual(
        ids(cloudTrail('aws.lambda', 'lambda.amazonaws.com', name, { requestParameters: params })),
        ['AWS::Lambda::Function resize'],
      );
    const inA = extractResources(create as never);
    const inB = extractResources(
      cloudTrail(
        'aws.lambda',
        'lambda.amazonaws.com',
        'CreateFunction20150331',
        {
          requestParameters: { functionName: 'resize' },
        },
        OTHER,
      ) as never,
    );
    assert.ok(inA.outcome === 'resources' && inB.outcome === 'resources');
    assert.notEqual(refKey(inA.resources[0]), refKey(inB.resources[0]), 'same name, two accounts: two keys');
    assert.equal(inB.resources[0].accountId, OTHER);
  });

  it('RDS: identifiers (lower-cased like RDS stores them), renames, and tag calls by db ARN', () => {
    const create = cloudTrail('aws.rds', 'rds.amazonaws.com', 'CreateDBInstance', {
      requestParameters: {
        dBInstanceIdentifier: 'Orders-DB',
        dBInstanceClass: 'db.t3.micro',
        engine: 'postgres',
        allocatedStorage: 20,
        masterUsername: 'admin',
      },
      responseElements: {
        dBInstanceIdentifier: 'orders-db',
        dBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`,
      },
    });
    assert.deepEqual(ids(create), ['AWS::RDS::DBInstance orders-db']);
    const rename = cloudTrail('aws.rds', 'rds.amazonaws.com', 'ModifyDBInstance', {
      requestParameters: {
        dBInstanceIdentifier: 'orders-db',
        newDBInstanceIdentifier: 'orders',
        applyImmediately: true,
      },
    });
    assert.deepEqual(ids(rename), ['AWS::RDS::DBInstance orders-db', 'AWS::RDS::DBInstance orders']);
    for (const name of ['AddTagsToResource', 'RemoveTagsFromResource'])
      assert.deepEqual(
        ids(
          cloudTrail('aws.rds', 'rds.amazonaws.com', name, {
            requestParameters: {
              resourceName: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`,
              tags: [{ key: 'a', value: 'b' }],
            },
          }),
        ),
        ['AWS::RDS::DBInstance orders-db'],
      );
    const snapshotTag = cloudTrail('aws.rds', 'rds.amazonaws.com', 'AddTagsToResource', {
      requestParameters: { resourceName: `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:nightly` },
    });
    assert.equal(extractResources(snapshotTag as never).outcome, 'ignored');
    for (const name of ['DeleteDBInstance', 'RebootDBInstance'])
      assert.deepEqual(
        ids(
          cloudTrail('aws.rds', 'rds.amazonaws.com', name, {
            requestParameters: { dBInstanceIdentifier: 'orders-db' },
          }),
        ),
        ['AWS::RDS::DBInstance orders-db'],
      );
  });

  it('unknown sources and names are ignored; a body that is not an event is refused by parseEnvelope', () => {
    const iam = cloudTrail('aws.iam', 'iam.amazonaws.com', 'CreateRole', {
      requestParameters: { roleName: 'x' },
    });
    assert.equal((extractResources(iam as never) as { reason?: string }).reason, 'unknown-event');
    assert.equal(parseEnvelope('not json'), null);
    assert.equal(parseEnvelope('{"hello":"world"}'), null);
    assert.equal(parseEnvelope('[1,2]'), null);
    assert.equal(parseEnvelope(undefined), null);
    assert.ok(parseEnvelope(JSON.stringify(iam)));
  });

  it('every row maps to a supported type', () => {
    const types = new Set([...EVENT_RULES.values()].map((r) => r.type));
    assert.deepEqual([...types].sort(), [
      'AWS::EC2::Instance',
      'AWS::ECS::Cluster',
      'AWS::Lambda::Function',
      'AWS::RDS::DBInstance',
      'AWS::S3::Bucket',
    ]);
  });
});
