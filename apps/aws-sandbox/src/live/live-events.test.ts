// Event shapes per call kind, and the knobs (determinism by seed, reordering, trail gating) on the
// in-process stores.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudTrailStore } from '../cloudtrail/cloudtrail.store';
import { EventBridgeStore, type BusEvent } from '../eventbridge/eventbridge.store';
import { IamStore } from '../iam/iam.store';
import { SqsStore } from '../sqs/sqs.store';
import { eventsForMutation, type ResourceMutation } from './cloudtrail-events';
import { LiveEvents } from './live-events';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const base = { accountId: ACCOUNT, region: REGION };
const names = (m: ResourceMutation) =>
  eventsForMutation(m).map(
    (e) => `${e.source}|${e['detail-type']}|${String(e.detail.eventName ?? e.detail.state)}`,
  );
const detail = (m: ResourceMutation, i = 0) => eventsForMutation(m)[i].detail as Record<string, any>;

const EC2 = {
  InstanceId: 'i-0abc',
  ImageId: 'ami-1',
  InstanceType: 't3.micro',
  State: { Code: '16', Name: 'running' },
  Tags: [{ Key: 'a', Value: '1' }],
};

describe('CloudTrail-shaped events of mutations', () => {
  it('EC2: RunInstances (instance id in responseElements) and state-change notifications', () => {
    const m: ResourceMutation = {
      ...base,
      kind: 'create',
      type: 'AWS::EC2::Instance',
      identifier: 'i-0abc',
      after: EC2,
    };
    assert.deepEqual(names(m), [
      'aws.ec2|AWS API Call via CloudTrail|RunInstances',
      'aws.ec2|EC2 Instance State-change Notification|pending',
      'aws.ec2|EC2 Instance State-change Notification|running',
    ]);
    const d = detail(m);
    assert.equal(d.eventSource, 'ec2.amazonaws.com');
    assert.equal(d.awsRegion, REGION);
    assert.equal(d.recipientAccountId, ACCOUNT);
    assert.equal(d.responseElements.instancesSet.items[0].instanceId, 'i-0abc');
    assert.deepEqual(d.requestParameters.tagSpecificationSet.items[0].tags, [{ key: 'a', value: '1' }]);
    assert.deepEqual(eventsForMutation(m)[1].resources, [`arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0abc`]);
  });

  it('EC2: stop, start, tags added and removed, terminate', () => {
    const stopped = { ...EC2, State: { Code: '80', Name: 'stopped' }, Tags: [{ Key: 'b', Value: '2' }] };
    const stop: ResourceMutation = {
      ...base,
      kind: 'update',
      type: 'AWS::EC2::Instance',
      identifier: 'i-0abc',
      before: EC2,
      after: stopped,
    };
    assert.deepEqual(names(stop), [
      'aws.ec2|AWS API Call via CloudTrail|StopInstances',
      'aws.ec2|AWS API Call via CloudTrail|CreateTags',
      'aws.ec2|AWS API Call via CloudTrail|DeleteTags',
      'aws.ec2|EC2 Instance State-change Notification|stopping',
      'aws.ec2|EC2 Instance State-change Notification|stopped',
    ]);
    assert.equal(detail(stop).requestParameters.instancesSet.items[0].instanceId, 'i-0abc');
    assert.equal(detail(stop).responseElements.instancesSet.items[0].currentState.name, 'stopping');
    assert.equal(detail(stop, 1).requestParameters.resourcesSet.items[0].resourceId, 'i-0abc');
    assert.deepEqual(detail(stop, 2).requestParameters.tagSet.items, [{ key: 'a' }]);
    const start: ResourceMutation = { ...stop, before: stopped, after: { ...stopped, State: EC2.State } };
    assert.equal(detail(start).eventName, 'StartInstances');
    const terminate: ResourceMutation = {
      ...base,
      kind: 'delete',
      type: 'AWS::EC2::Instance',
      identifier: 'i-0abc',
      before: EC2,
    };
    assert.equal(detail(terminate).eventName, 'TerminateInstances');
    assert.equal(detail(terminate).responseElements.instancesSet.items[0].instanceId, 'i-0abc');
    assert.deepEqual(names(terminate).slice(1), [
      'aws.ec2|EC2 Instance State-change Notification|shutting-down',
      'aws.ec2|EC2 Instance State-change Notification|terminated',
    ]);
  });

  it('ECS, Lambda and RDS: create, update, tag, delete with names and ARNs where AWS puts them', () => {
    const ecs = { ClusterName: 'c1', ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] };
    const ecsCreate: ResourceMutation = {
      ...base,
      kind: 'create',
      type: 'AWS::ECS::Cluster',
      identifier: 'c1',
      after: ecs,
    };
    assert.equal(detail(ecsCreate).eventName, 'CreateCluster');
    assert.equal(detail(ecsCreate).eventSource, 'ecs.amazonaws.com');
    assert.equal(detail(ecsCreate).requestParameters.clusterName, 'c1');
    assert.equal(
      detail(ecsCreate).responseElements.cluster.clusterArn,
      `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c1`,
    );
    const ecsTag: ResourceMutation = {
      ...ecsCreate,
      kind: 'update',
      before: ecs,
      after: { ...ecs, Tags: [{ Key: 'k', Value: 'v' }] },
    };
    assert.deepEqual(
      [detail(ecsTag).eventName, detail(ecsTag).requestParameters.resourceArn],
      ['TagResource', `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c1`],
    );
    const ecsUpdate: ResourceMutation = {
      ...ecsCreate,
      kind: 'update',
      before: ecs,
      after: { ...ecs, ClusterSettings: [] },
    };
    assert.deepEqual(
      [detail(ecsUpdate).eventName, detail(ecsUpdate).requestParameters.cluster],
      ['UpdateCluster', 'c1'],
    );
    assert.equal(detail({ ...ecsCreate, kind: 'delete', before: ecs }).eventName, 'DeleteCluster');

    const fn = { FunctionName: 'f1', Runtime: 'nodejs20.x', MemorySize: 128 };
    const fnCreate: ResourceMutation = {
      ...base,
      kind: 'create',
      type: 'AWS::Lambda::Function',
      identifier: 'f1',
      after: fn,
    };
    assert.deepEqual(
      [
        detail(fnCreate).eventName,
        detail(fnCreate).eventSource,
        detail(fnCreate).responseElements.functionArn,
      ],
      ['CreateFunction20150331', 'lambda.amazonaws.com', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f1`],
    );
    const fnUpdate: ResourceMutation = {
      ...fnCreate,
      kind: 'update',
      before: fn,
      after: { ...fn, MemorySize: 256 },
    };
    assert.deepEqual(
      [detail(fnUpdate).eventName, detail(fnUpdate).requestParameters.memorySize],
      ['UpdateFunctionConfiguration20150331v2', 256],
    );
    const fnTag: ResourceMutation = { ...fnUpdate, after: { ...fn, Tags: [{ Key: 'k', Value: 'v' }] } };
    assert.deepEqual(
      [detail(fnTag).eventName, detail(fnTag).requestParameters.resource],
      ['TagResource20170331v2', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f1`],
    );
    assert.equal(detail({ ...fnCreate, kind: 'delete', before: fn }).eventName, 'DeleteFunction20150331');

    const db = { DBInstanceIdentifier: 'db1', Engine: 'postgres', AllocatedStorage: '20' };
    const dbCreate: ResourceMutation = {
      ...base,
      kind: 'create',
      type: 'AWS::RDS::DBInstance',
      identifier: 'db1',
      after: db,
    };
    assert.deepEqual(
      [
        detail(dbCreate).eventName,
        detail(dbCreate).requestParameters.dBInstanceIdentifier,
        detail(dbCreate).responseElements.dBInstanceArn,
      ],
      ['CreateDBInstance', 'db1', `arn:aws:rds:${REGION}:${ACCOUNT}:db:db1`],
    );
    const dbModify: ResourceMutation = {
      ...dbCreate,
      kind: 'update',
      before: db,
      after: { ...db, AllocatedStorage: '50' },
    };
    assert.equal(detail(dbModify).eventName, 'ModifyDBInstance');
    const dbTag: ResourceMutation = { ...dbModify, after: { ...db, Tags: [{ Key: 'k', Value: 'v' }] } };
    assert.deepEqual(
      [detail(dbTag).eventName, detail(dbTag).requestParameters.resourceName],
      ['AddTagsToResource', `arn:aws:rds:${REGION}:${ACCOUNT}:db:db1`],
    );
    assert.equal(detail({ ...dbCreate, kind: 'delete', before: db }).eventName, 'DeleteDBInstance');
  });

  it('S3: CreateBucket with the location constraint outside us-east-1; failed calls carry the error and no response', () => {
    const create: ResourceMutation = {
      ...base,
      kind: 'create',
      type: 'AWS::S3::Bucket',
      identifier: 'logs',
      after: { BucketName: 'logs' },
    };
    assert.equal(detail(create).requestParameters.CreateBucketConfiguration.LocationConstraint, REGION);
    const failed = detail({
      ...create,
      kind: 'delete',
      before: { BucketName: 'logs' },
      error: { errorCode: 'AccessDenied', errorMessage: 'Access Denied' },
    });
    assert.deepEqual(
      [failed.eventName, failed.errorCode, failed.errorMessage, failed.responseElements],
      ['DeleteBucket', 'AccessDenied', 'Access Denied', null],
    );
    const failedRun = eventsForMutation({
      ...base,
      kind: 'create',
      type: 'AWS::EC2::Instance',
      identifier: 'i-1',
      after: EC2,
      error: { errorCode: 'Client.UnauthorizedOperation', errorMessage: 'no' },
    });
    assert.equal(failedRun.length, 1, 'a failed RunInstances has no state-change notifications');
  });
});

describe('live-event knobs', () => {
  function setup() {
    const sqs = new SqsStore();
    const events = new EventBridgeStore({ sqs, iam: new IamStore(), organizationIdOf: () => undefined });
    const trails = new CloudTrailStore(() => null);
    const live = new LiveEvents({ events, trails });
    const q = sqs.create(ACCOUNT, REGION, 'q', {});
    const bus = events.bus(ACCOUNT, REGION);
    const rule = events.putRule(bus, { name: 'all', eventPattern: { source: ['aws.s3', 'aws.ec2'] } });
    rule.targets.set('q', { Id: 'q', Arn: q.arn });
    q.setAttributes({
      Policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: q.arn,
          },
        ],
      }),
    });
    const received = () => q.history.map((m) => JSON.parse(m.body) as BusEvent);
    return { live, trails, received };
  }
  const bucket = (i: number): ResourceMutation => ({
    ...base,
    kind: 'create',
    type: 'AWS::S3::Bucket',
    identifier: `b${i}`,
    after: { BucketName: `b${i}` },
  });

  it('API calls need a logging trail; state-change notifications do not', () => {
    const { live, trails, received } = setup();
    live.mutation(bucket(1));
    live.mutation({ ...base, kind: 'create', type: 'AWS::EC2::Instance', identifier: 'i-1', after: EC2 });
    assert.deepEqual(
      received().map((e) => e['detail-type']),
      ['EC2 Instance State-change Notification', 'EC2 Instance State-change Notification'],
    );
    const t = trails.create(ACCOUNT, 'us-east-1', {
      name: 'all-regions',
      s3BucketName: 'b',
      isMultiRegion: true,
      isOrganizationTrail: false,
      includeGlobalServiceEvents: true,
      logFileValidation: false,
    });
    t.logging = true;
    live.mutation(bucket(2));
    assert.equal(received().at(-1)?.detail.eventName, 'CreateBucket');
  });

  it('trail coverage: home region, multi-region, organization trails for member accounts only', () => {
    const org = { managementAccountId: '111111111111', members: ['111111111111', '222222222222'] };
    const trails = new CloudTrailStore((a) => (org.members.includes(a) ? org : null));
    const input = {
      s3BucketName: 'b',
      isOrganizationTrail: false,
      includeGlobalServiceEvents: true,
      logFileValidation: false,
    };
    const single = trails.create('111111111111', 'us-east-1', {
      ...input,
      name: 'single',
      isMultiRegion: false,
    });
    single.logging = true;
    assert.deepEqual(
      [trails.covers('111111111111', 'us-east-1'), trails.covers('111111111111', 'eu-west-1')],
      [true, false],
    );
    const orgTrail = trails.create('111111111111', 'us-east-1', {
      ...input,
      name: 'org',
      isMultiRegion: true,
      isOrganizationTrail: true,
    });
    assert.equal(trails.covers('222222222222', 'eu-west-1'), false, 'not logging yet');
    orgTrail.logging = true;
    assert.deepEqual(
      [trails.covers('222222222222', 'eu-west-1'), trails.covers('333333333333', 'eu-west-1')],
      [true, false],
    );
    assert.throws(
      () =>
        trails.create('222222222222', 'us-east-1', {
          ...input,
          name: 'member-org',
          isMultiRegion: true,
          isOrganizationTrail: true,
        }),
      /not the management account/,
    );
  });

  it('the same seed gives the same drops and duplicates', () => {
    const outcomes = () => {
      const { live, trails } = setup();
      trails.create(ACCOUNT, REGION, {
        name: 'trail',
        s3BucketName: 'b',
        isMultiRegion: false,
        isOrganizationTrail: false,
        includeGlobalServiceEvents: true,
        logFileValidation: false,
      }).logging = true;
      live.setKnobs({ seed: 'same', dropRate: 0.3, duplicateRate: 0.3 });
      return Array.from({ length: 40 }, (_, i) =>
        live
          .mutation(bucket(i))
          .map((e) => `${e.outcome}x${e.copies}`)
          .join(),
      ).join(';');
    };
    const first = outcomes();
    assert.equal(outcomes(), first);
    assert.match(first, /dropped/);
    assert.match(first, /deliveredx2/);
  });

  it('reordering lets later events overtake held-back ones; idle() waits for them', async () => {
    const { live, trails, received } = setup();
    trails.create(ACCOUNT, REGION, {
      name: 'trail',
      s3BucketName: 'b',
      isMultiRegion: false,
      isOrganizationTrail: false,
      includeGlobalServiceEvents: true,
      logFileValidation: false,
    }).logging = true;
    live.setKnobs({ seed: 'reorder', reorderRate: 0.5, reorderDelayMs: 30, deliveryDelayMs: 1 });
    for (let i = 0; i < 20; i++) live.mutation(bucket(i));
    await live.idle();
    const order = received().map((e) =>
      Number(
        String(
          e.detail.requestParameters && (e.detail.requestParameters as { bucketName: string }).bucketName,
        ).slice(1),
      ),
    );
    assert.equal(order.length, 20);
    assert.notDeepEqual(
      order,
      [...order].sort((a, b) => a - b),
      'some events arrived out of order',
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });
});
