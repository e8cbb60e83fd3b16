// The events AWS sends to EventBridge for a resource mutation: "AWS API Call via CloudTrail" with
// each call's real eventSource, eventName, requestParameters and responseElements (one row per
// call kind), plus EC2's "EC2 Instance State-change Notification". Built from the resource models
// before and after the change.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Model } from '../cloud/types';

export interface ResourceMutation {
  kind: 'create' | 'update' | 'delete';
  accountId: string;
  region: string;
  type: string;
  identifier: string;
  before?: Model;
  after?: Model;
  /** A failed call: the event carries these and nothing changed. */
  error?: { errorCode: string; errorMessage: string };
  /** Overrides the event name chosen from the change. */
  eventName?: string;
}

/** What to put on the bus: `source`, `detail-type`, `resources`, `detail`. */
export interface EventDraft {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Record<string, unknown>;
  /** API calls reach EventBridge only through a logging trail; notifications do not need one. */
  needsTrail: boolean;
}

type Call = { eventName: string; requestParameters: unknown; responseElements: unknown };
type Tag = { Key: string; Value: string };

const API_CALL = 'AWS API Call via CloudTrail';

/** The events AWS would emit for a mutation (API calls first, then notifications). */
export function eventsForMutation(m: ResourceMutation, now = new Date()): EventDraft[] {
  const service = SERVICES[m.type];
  if (!service) return [];
  const calls = m.eventName ? [namedCall(service.calls(m), m.eventName)] : service.calls(m);
  const out: EventDraft[] = calls.map((c) => apiCall(m, service.source, c, now));
  if (!m.error && m.type === 'AWS::EC2::Instance') out.push(...stateNotifications(m));
  return out;
}

/** An API call event of any service (noise such as EKS CreateCluster uses it too). */
export function apiCallEvent(
  accountId: string,
  region: string,
  source: string,
  call: Call & { error?: ResourceMutation['error'] },
  now = new Date(),
): EventDraft {
  return apiCall(
    { kind: 'create', accountId, region, type: '', identifier: '', error: call.error },
    source,
    call,
    now,
  );
}

function apiCall(m: ResourceMutation, source: string, call: Call, now: Date): EventDraft {
  const eventSource = `${source.slice(4)}.amazonaws.com`;
  const failed = !!m.error;
  return {
    source,
    'detail-type': API_CALL,
    resources: [],
    needsTrail: true,
    detail: {
      eventVersion: '1.09',
      userIdentity: userIdentity(m.accountId),
      eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource,
      eventName: call.eventName,
      awsRegion: m.region,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8',
      ...(failed ? { errorCode: m.error!.errorCode, errorMessage: m.error!.errorMessage } : {}),
      requestParameters: call.requestParameters,
      responseElements: failed ? null : call.responseElements,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: m.accountId,
      eventCategory: 'Management',
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: `${eventSource.split('.')[0]}.${m.region}.amazonaws.com`,
      },
    },
  };
}

function userIdentity(accountId: string) {
  return {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEOPERATOR:alice',
    arn: `arn:aws:sts::${accountId}:assumed-role/Operator/alice`,
    accountId,
    accessKeyId: 'ASIAEXAMPLEOPERATOR1',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEOPERATOR',
        arn: `arn:aws:iam::${accountId}:role/Operator`,
        accountId,
        userName: 'Operator',
      },
      attributes: {
        creationDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        mfaAuthenticated: 'false',
      },
    },
  };
}

function namedCall(calls: Call[], eventName: string): Call {
  return (
    calls.find((c) => c.eventName === eventName) ?? {
      ...(calls[0] ?? { requestParameters: null, responseElements: null }),
      eventName,
    }
  );
}

const model = (m: ResourceMutation): Model => m.after ?? m.before ?? {};

/** Tags added or changed, and keys removed, between two models. */
function tagDiff(m: ResourceMutation): { set: Tag[]; removed: string[] } {
  const before = new Map(((m.before?.Tags as Tag[]) ?? []).map((t) => [t.Key, t.Value]));
  const after = new Map(((m.after?.Tags as Tag[]) ?? []).map((t) => [t.Key, t.Value]));
  return {
    set: [...after].filter(([k, v]) => before.get(k) !== v).map(([Key, Value]) => ({ Key, Value })),
    removed: [...before.keys()].filter((k) => !after.has(k)),
  };
}

/** Non-tag properties that changed. */
function changedProperties(m: ResourceMutation): string[] {
  const keys = new Set([...Object.keys(m.before ?? {}), ...Object.keys(m.after ?? {})]);
  return [...keys].filter(
    (k) => k !== 'Tags' && JSON.stringify(m.before?.[k]) !== JSON.stringify(m.after?.[k]),
  );
}

const SERVICES: Record<string, { source: string; calls: (m: ResourceMutation) => Call[] }> = {
  'AWS::S3::Bucket': { source: 'aws.s3', calls: s3Calls },
  'AWS::EC2::Instance': { source: 'aws.ec2', calls: ec2Calls },
  'AWS::ECS::Cluster': { source: 'aws.ecs', calls: ecsCalls },
  'AWS::Lambda::Function': { source: 'aws.lambda', calls: lambdaCalls },
  'AWS::RDS::DBInstance': { source: 'aws.rds', calls: rdsCalls },
};

function s3Calls(m: ResourceMutation): Call[] {
  const bucketName = m.identifier;
  const base = { bucketName, Host: `${bucketName}.s3.${m.region}.amazonaws.com` };
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateBucket',
        requestParameters: {
          ...base,
          ...(m.region === 'us-east-1'
            ? {}
            : {
                CreateBucketConfiguration: {
                  LocationConstraint: m.region,
                  xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
                },
              }),
        },
        responseElements: null,
      },
    ];
  if (m.kind === 'delete')
    return [{ eventName: 'DeleteBucket', requestParameters: base, responseElements: null }];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length || removed.length) {
    const tags = (m.after?.Tags as Tag[]) ?? [];
    calls.push(
      tags.length
        ? {
            eventName: 'PutBucketTagging',
            requestParameters: {
              ...base,
              tagging: '',
              Tagging: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', TagSet: { Tag: tags } },
            },
            responseElements: null,
          }
        : {
            eventName: 'DeleteBucketTagging',
            requestParameters: { ...base, tagging: '' },
            responseElements: null,
          },
    );
  }
  for (const p of changedProperties(m)) {
    const eventName = {
      VersioningConfiguration: 'PutBucketVersioning',
      BucketEncryption: 'PutBucketEncryption',
      PublicAccessBlockConfiguration: 'PutPublicAccessBlock',
      LifecycleConfiguration: 'PutBucketLifecycle',
    }[p];
    if (eventName)
      calls.push({ eventName, requestParameters: { ...base, [p]: m.after?.[p] }, responseElements: null });
  }
  return calls.length
    ? calls
    : [{ eventName: 'PutBucketVersioning', requestParameters: base, responseElements: null }];
}

const EC2_STATE: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};
const state = (name: string) => ({ code: EC2_STATE[name], name });
const stateOf = (x?: Model) => ((x?.State as { Name?: string } | undefined)?.Name ?? 'running') as string;

function ec2Calls(m: ResourceMutation): Call[] {
  const instanceId = m.identifier;
  const ids = { instancesSet: { items: [{ instanceId }] } };
  const requestId = randomUUID();
  if (m.kind === 'create') {
    const x = model(m);
    const tags = (x.Tags as Tag[]) ?? [];
    return [
      {
        eventName: 'RunInstances',
        requestParameters: {
          instancesSet: { items: [{ imageId: x.ImageId, minCount: 1, maxCount: 1 }] },
          instanceType: x.InstanceType,
          blockDeviceMapping: {},
          monitoring: { enabled: false },
          disableApiTermination: false,
          disableApiStop: false,
          clientToken: randomUUID(),
          ...(x.SubnetId ? { subnetId: x.SubnetId } : {}),
          ...(tags.length
            ? {
                tagSpecificationSet: {
                  items: [
                    { resourceType: 'instance', tags: tags.map((t) => ({ key: t.Key, value: t.Value })) },
                  ],
                },
              }
            : {}),
        },
        responseElements: m.error
          ? null
          : {
              requestId,
              reservationId: `r-0${randomBytes(8).toString('hex').slice(0, 16)}`,
              ownerId: m.accountId,
              groupSet: {},
              instancesSet: {
                items: [
                  {
                    instanceId,
                    imageId: x.ImageId,
                    currentState: state('pending'),
                    privateDnsName: x.PrivateDnsName,
                    amiLaunchIndex: 0,
                    productCodes: {},
                    instanceType: x.InstanceType,
                    launchTime: Date.now(),
                    placement: { availabilityZone: x.AvailabilityZone, tenancy: 'default' },
                    monitoring: { state: 'disabled' },
                    subnetId: x.SubnetId,
                    vpcId: x.VpcId,
                    privateIpAddress: x.PrivateIpAddress,
                    stateReason: { code: 'pending', message: 'pending' },
                    architecture: 'x86_64',
                    rootDeviceType: 'ebs',
                    rootDeviceName: '/dev/xvda',
                    blockDeviceMapping: {},
                    virtualizationType: 'hvm',
                    hypervisor: 'xen',
                    ...(tags.length
                      ? { tagSet: { items: tags.map((t) => ({ key: t.Key, value: t.Value })) } }
                      : {}),
                  },
                ],
              },
            },
      },
    ];
  }
  if (m.kind === 'delete') {
    return [
      {
        eventName: 'TerminateInstances',
        requestParameters: ids,
        responseElements: {
          requestId,
          instancesSet: {
            items: [
              { instanceId, currentState: state('shutting-down'), previousState: state(stateOf(m.before)) },
            ],
          },
        },
      },
    ];
  }
  const calls: Call[] = [];
  const [from, to] = [stateOf(m.before), stateOf(m.after)];
  if (from !== to && (to === 'stopped' || to === 'stopping'))
    calls.push({
      eventName: 'StopInstances',
      requestParameters: { ...ids, force: false },
      responseElements: {
        requestId,
        instancesSet: {
          items: [{ instanceId, currentState: state('stopping'), previousState: state(from) }],
        },
      },
    });
  else if (from !== to && (to === 'running' || to === 'pending'))
    calls.push({
      eventName: 'StartInstances',
      requestParameters: ids,
      responseElements: {
        requestId,
        instancesSet: { items: [{ instanceId, currentState: state('pending'), previousState: state(from) }] },
      },
    });
  const { set, removed } = tagDiff(m);
  const resourcesSet = { items: [{ resourceId: instanceId }] };
  if (set.length)
    calls.push({
      eventName: 'CreateTags',
      requestParameters: {
        resourcesSet,
        tagSet: { items: set.map((t) => ({ key: t.Key, value: t.Value })) },
      },
      responseElements: { requestId, _return: true },
    });
  if (removed.length)
    calls.push({
      eventName: 'DeleteTags',
      requestParameters: { resourcesSet, tagSet: { items: removed.map((key) => ({ key })) } },
      responseElements: { requestId, _return: true },
    });
  const others = changedProperties(m).filter((p) => p !== 'State');
  if (others.length || !calls.length)
    calls.push({
      eventName: 'ModifyInstanceAttribute',
      requestParameters: {
        instanceId,
        ...(others.includes('InstanceType') ? { instanceType: { value: m.after?.InstanceType } } : {}),
      },
      responseElements: { requestId, _return: true },
    });
  return calls;
}

function stateNotifications(m: ResourceMutation): EventDraft[] {
  const [from, to] =
    m.kind === 'create'
      ? ['', 'running']
      : m.kind === 'delete'
        ? [stateOf(m.before), 'terminated']
        : [stateOf(m.before), stateOf(m.after)];
  if (from === to) return [];
  const steps = {
    running: ['pending', 'running'],
    stopped: ['stopping', 'stopped'],
    terminated: ['shutting-down', 'terminated'],
  }[to] ?? [to];
  return steps.map((s) => ({
    source: 'aws.ec2',
    'detail-type': 'EC2 Instance State-change Notification',
    resources: [`arn:aws:ec2:${m.region}:${m.accountId}:instance/${m.identifier}`],
    needsTrail: false,
    detail: { 'instance-id': m.identifier, state: s },
  }));
}

function ecsCalls(m: ResourceMutation): Call[] {
  const x = model(m);
  const clusterName = m.identifier;
  const clusterArn = `arn:aws:ecs:${m.region}:${m.accountId}:cluster/${clusterName}`;
  const cluster = (status: string) => ({
    clusterArn,
    clusterName,
    status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    tags: ((x.Tags as Tag[]) ?? []).map((t) => ({ key: t.Key, value: t.Value })),
    settings: ((x.ClusterSettings as { Name: string; Value: string }[]) ?? []).map((s) => ({
      name: s.Name,
      value: s.Value,
    })),
    capacityProviders: x.CapacityProviders ?? [],
    defaultCapacityProviderStrategy: [],
  });
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateCluster',
        requestParameters: { clusterName, settings: cluster('').settings, tags: cluster('').tags },
        responseElements: { cluster: cluster('ACTIVE') },
      },
    ];
  if (m.kind === 'delete')
    return [
      {
        eventName: 'DeleteCluster',
        requestParameters: { cluster: clusterName },
        responseElements: { cluster: cluster('INACTIVE') },
      },
    ];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length)
    calls.push({
      eventName: 'TagResource',
      requestParameters: { resourceArn: clusterArn, tags: set.map((t) => ({ key: t.Key, value: t.Value })) },
      responseElements: null,
    });
  if (removed.length)
    calls.push({
      eventName: 'UntagResource',
      requestParameters: { resourceArn: clusterArn, tagKeys: removed },
      responseElements: null,
    });
  if (changedProperties(m).length || !calls.length)
    calls.push({
      eventName: 'UpdateCluster',
      requestParameters: { cluster: clusterName, settings: cluster('').settings },
      responseElements: { cluster: cluster('ACTIVE') },
    });
  return calls;
}

function lambdaCalls(m: ResourceMutation): Call[] {
  const x = model(m);
  const functionName = m.identifier;
  const functionArn = `arn:aws:lambda:${m.region}:${m.accountId}:function:${functionName}`;
  const config = {
    functionName,
    functionArn,
    runtime: x.Runtime,
    role: x.Role,
    handler: x.Handler,
    codeSize: 1024,
    description: x.Description ?? '',
    timeout: x.Timeout,
    memorySize: x.MemorySize,
    lastModified: new Date().toISOString().replace('Z', '+0000'),
    codeSha256: randomBytes(32).toString('base64'),
    version: '$LATEST',
    tracingConfig: { mode: (x.TracingConfig as { Mode?: string } | undefined)?.Mode ?? 'PassThrough' },
    revisionId: randomUUID(),
    state: m.kind === 'create' ? 'Pending' : 'Active',
    lastUpdateStatus: m.kind === 'create' ? undefined : 'InProgress',
    packageType: 'Zip',
    architectures: x.Architectures ?? ['x86_64'],
    ephemeralStorage: { size: 512 },
  };
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateFunction20150331',
        requestParameters: {
          functionName,
          runtime: x.Runtime,
          role: x.Role,
          handler: x.Handler,
          code: {},
          description: x.Description,
          timeout: x.Timeout,
          memorySize: x.MemorySize,
          publish: false,
        },
        responseElements: config,
      },
    ];
  if (m.kind === 'delete')
    return [
      { eventName: 'DeleteFunction20150331', requestParameters: { functionName }, responseElements: null },
    ];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length)
    calls.push({
      eventName: 'TagResource20170331v2',
      requestParameters: {
        resource: functionArn,
        tags: Object.fromEntries(set.map((t) => [t.Key, t.Value])),
      },
      responseElements: null,
    });
  if (removed.length)
    calls.push({
      eventName: 'UntagResource20170331v2',
      requestParameters: { resource: functionArn, tagKeys: removed },
      responseElements: null,
    });
  const changed = changedProperties(m);
  if (changed.length || !calls.length)
    calls.push({
      eventName: 'UpdateFunctionConfiguration20150331v2',
      requestParameters: {
        functionName,
        ...Object.fromEntries(changed.map((p) => [p[0].toLowerCase() + p.slice(1), m.after?.[p]])),
      },
      responseElements: config,
    });
  return calls;
}

function rdsCalls(m: ResourceMutation): Call[] {
  const x = model(m);
  const dBInstanceIdentifier = m.identifier;
  const dBInstanceArn = `arn:aws:rds:${m.region}:${m.accountId}:db:${dBInstanceIdentifier}`;
  const instance = (status: string) => ({
    dBInstanceIdentifier,
    dBInstanceClass: x.DBInstanceClass,
    engine: x.Engine,
    dBInstanceStatus: status,
    masterUsername: x.MasterUsername,
    allocatedStorage: Number(x.AllocatedStorage ?? 20),
    preferredBackupWindow: x.PreferredBackupWindow,
    backupRetentionPeriod: x.BackupRetentionPeriod,
    dBSecurityGroups: [],
    vpcSecurityGroups: ((x.VPCSecurityGroups as string[]) ?? []).map((id) => ({
      vpcSecurityGroupId: id,
      status: 'active',
    })),
    multiAZ: x.MultiAZ ?? false,
    engineVersion: x.EngineVersion,
    autoMinorVersionUpgrade: true,
    publiclyAccessible: false,
    storageType: x.StorageType ?? 'gp3',
    storageEncrypted: x.StorageEncrypted ?? true,
    dbiResourceId: x.DbiResourceId,
    dBInstanceArn,
    deletionProtection: x.DeletionProtection ?? false,
  });
  if (m.kind === 'create')
    return [
      {
        eventName: 'CreateDBInstance',
        requestParameters: {
          dBInstanceIdentifier,
          allocatedStorage: Number(x.AllocatedStorage ?? 20),
          dBInstanceClass: x.DBInstanceClass,
          engine: x.Engine,
          masterUsername: x.MasterUsername,
          masterUserPassword: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          multiAZ: x.MultiAZ ?? false,
          engineVersion: x.EngineVersion,
          storageEncrypted: x.StorageEncrypted ?? true,
          tags: ((x.Tags as Tag[]) ?? []).map((t) => ({ key: t.Key, value: t.Value })),
        },
        responseElements: instance('creating'),
      },
    ];
  if (m.kind === 'delete')
    return [
      {
        eventName: 'DeleteDBInstance',
        requestParameters: { dBInstanceIdentifier, skipFinalSnapshot: true },
        responseElements: instance('deleting'),
      },
    ];
  const calls: Call[] = [];
  const { set, removed } = tagDiff(m);
  if (set.length)
    calls.push({
      eventName: 'AddTagsToResource',
      requestParameters: {
        resourceName: dBInstanceArn,
        tags: set.map((t) => ({ key: t.Key, value: t.Value })),
      },
      responseElements: null,
    });
  if (removed.length)
    calls.push({
      eventName: 'RemoveTagsFromResource',
      requestParameters: { resourceName: dBInstanceArn, tagKeys: removed },
      responseElements: null,
    });
  const changed = changedProperties(m);
  if (changed.length || !calls.length)
    calls.push({
      eventName: 'ModifyDBInstance',
      requestParameters: {
        dBInstanceIdentifier,
        applyImmediately: true,
        ...Object.fromEntries(changed.map((p) => [p[0].toLowerCase() + p.slice(1), m.after?.[p]])),
      },
      responseElements: instance('available'),
    });
  return calls;
}
