// The one table from a CloudTrail event (or a service's own EventBridge event) to the resources it
// changed, keyed by `eventSource:eventName` like the resource-type registry: adding an event is one
// row here and one test with a real sample. ECS's and EKS's CreateCluster differ by eventSource, so
// they can never collide. Identifiers are what Cloud Control uses as the type's primary identifier.

/** The parts of a CloudTrail record the rows read. */
export interface CloudTrailDetail {
  eventSource?: string;
  eventName?: string;
  eventID?: string;
  eventTime?: string;
  awsRegion?: string;
  recipientAccountId?: string;
  errorCode?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** How one event names the resources it changed. */
export interface EventRule {
  /** CloudFormation type the identifiers belong to. */
  type: string;
  /** Identifiers as Cloud Control knows them (empty: the event names none). */
  identifiers(detail: CloudTrailDetail): string[];
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const req = (d: CloudTrailDetail) => obj(d.requestParameters) ?? {};
const res = (d: CloudTrailDetail) => obj(d.responseElements) ?? {};
/** `{ items: [...] }` (EC2's query-protocol lists) as an array of objects. */
const items = (v: unknown): Obj[] =>
  ((obj(v)?.items as unknown[]) ?? []).map(obj).filter((x): x is Obj => !!x);
const present = (...values: (string | undefined)[]): string[] => values.filter((v): v is string => !!v);

/** `arn:partition:service:region:account:<resource>` → `<resource>` when the service matches. */
function arnResource(value: string, service: string): string | undefined {
  const parts = value.split(':');
  if (parts[0] !== 'arn' || parts.length < 6 || parts[2] !== service) return undefined;
  return parts.slice(5).join(':');
}

// --- S3: the bucket name is the identifier.
const bucket: EventRule = {
  type: 'AWS::S3::Bucket',
  identifiers: (d) => present(text(req(d).bucketName)),
};

// --- EC2 instances: ids from the response (RunInstances), the request's instancesSet, a single
// instanceId, or the tagged resources (only `i-…`: CreateTags also tags volumes, AMIs, …).
const EC2_INSTANCE = /^i-[0-9a-f]{8,17}$/;
const instanceIds = (...lists: string[][]) => [
  ...new Set(lists.flat().filter((id) => EC2_INSTANCE.test(id))),
];
const ec2Instances: EventRule = {
  type: 'AWS::EC2::Instance',
  identifiers: (d) =>
    instanceIds(
      items(res(d).instancesSet).flatMap((i) => present(text(i.instanceId))),
      items(req(d).instancesSet).flatMap((i) => present(text(i.instanceId))),
      present(text(req(d).instanceId)),
      items(req(d).resourcesSet).flatMap((i) => present(text(i.resourceId))),
    ),
};
/** The state-change notification is EC2's own event: `detail['instance-id']`. */
const ec2StateChange: EventRule = {
  type: 'AWS::EC2::Instance',
  identifiers: (d) => instanceIds(present(text(d['instance-id']))),
};

// --- ECS clusters: a name or an ARN (`arn:…:ecs:…:cluster/<name>`), normalized to the name.
function clusterName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!value.startsWith('arn:')) return value;
  const resource = arnResource(value, 'ecs');
  return resource?.startsWith('cluster/') ? resource.slice('cluster/'.length) : undefined;
}
const ecsCluster: EventRule = {
  type: 'AWS::ECS::Cluster',
  identifiers: (d) => {
    const r = req(d);
    const created = obj(res(d).cluster);
    return [
      ...new Set(
        present(
          clusterName(text(created?.clusterName) ?? text(created?.clusterArn)),
          clusterName(text(r.clusterName)),
          clusterName(text(r.cluster)),
          clusterName(text(r.resourceArn)),
        ),
      ),
    ];
  },
};
/** CreateCluster without a name creates (or finds) the cluster called `default`. */
const ecsCreateCluster: EventRule = {
  type: 'AWS::ECS::Cluster',
  identifiers: (d) => {
    const ids = ecsCluster.identifiers(d);
    return ids.length ? ids : ['default'];
  },
};

// --- Lambda: a name, a full ARN (`…:function:<name>[:qualifier]`) or a partial ARN
// (`<account>:function:<name>`), normalized to the name.
function functionName(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parts = value.split(':');
  const at = parts.indexOf('function');
  if (at >= 0) return parts[at + 1] || undefined;
  return parts.length === 1 ? value : undefined;
}
const lambdaFunction: EventRule = {
  type: 'AWS::Lambda::Function',
  identifiers: (d) => {
    const r = req(d);
    return [
      ...new Set(
        present(
          functionName(text(r.functionName)),
          functionName(text(r.resource)),
          functionName(text(res(d).functionName)),
        ),
      ),
    ];
  },
};

// --- RDS: the instance identifier (RDS stores it lower-cased), or the ARN of tag calls (`…:db:<id>`).
function dbInstance(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!value.startsWith('arn:')) return value.toLowerCase();
  const resource = arnResource(value, 'rds');
  return resource?.startsWith('db:') ? resource.slice('db:'.length).toLowerCase() : undefined;
}
const rdsInstance: EventRule = {
  type: 'AWS::RDS::DBInstance',
  identifiers: (d) => {
    const r = req(d);
    // A rename (ModifyDBInstance with newDBInstanceIdentifier) touches the old and the new name.
    return [
      ...new Set(
        present(
          dbInstance(text(r.dBInstanceIdentifier)),
          dbInstance(text(r.newDBInstanceIdentifier)),
          dbInstance(text(r.resourceName)),
        ),
      ),
    ];
  },
};

const rows = (source: string, names: string[], rule: EventRule): [string, EventRule][] =>
  names.map((name) => [`${source}:${name}`, rule]);

/** Every known event, by `eventSource:eventName` (service events: `source:detail-type`). */
export const EVENT_RULES: ReadonlyMap<string, EventRule> = new Map([
  ...rows(
    's3.amazonaws.com',
    [
      'CreateBucket',
      'DeleteBucket',
      'PutBucketTagging',
      'DeleteBucketTagging',
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'PutBucketVersioning',
      'PutBucketEncryption',
      'DeleteBucketEncryption',
      'PutBucketLifecycle',
      'DeleteBucketLifecycle',
      'PutBucketPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
      'PutBucketLogging',
      'PutBucketWebsite',
      'DeleteBucketWebsite',
      'PutBucketCors',
      'DeleteBucketCors',
      'PutBucketReplication',
      'DeleteBucketReplication',
      'PutBucketOwnershipControls',
      'PutBucketNotification',
      'PutBucketAcl',
    ],
    bucket,
  ),
  ...rows(
    'ec2.amazonaws.com',
    [
      'RunInstances',
      'StartInstances',
      'StopInstances',
      'RebootInstances',
      'TerminateInstances',
      'ModifyInstanceAttribute',
      'ModifyInstanceMetadataOptions',
      'MonitorInstances',
      'UnmonitorInstances',
      'CreateTags',
      'DeleteTags',
    ],
    ec2Instances,
  ),
  ['aws.ec2:EC2 Instance State-change Notification', ec2StateChange],
  ['ecs.amazonaws.com:CreateCluster', ecsCreateCluster],
  ...rows(
    'ecs.amazonaws.com',
    [
      'DeleteCluster',
      'UpdateCluster',
      'UpdateClusterSettings',
      'PutClusterCapacityProviders',
      'TagResource',
      'UntagResource',
    ],
    ecsCluster,
  ),
  ...rows(
    'lambda.amazonaws.com',
    [
      'CreateFunction20150331',
      'DeleteFunction20150331',
      'UpdateFunctionConfiguration20150331v2',
      'UpdateFunctionCode20150331v2',
      'TagResource',
      'UntagResource',
      'TagResource20170331v2',
      'UntagResource20170331v2',
      'PutFunctionConcurrency20171031',
      'DeleteFunctionConcurrency20171031',
    ],
    lambdaFunction,
  ),
  ...rows(
    'rds.amazonaws.com',
    [
      'CreateDBInstance',
      'CreateDBInstanceReadReplica',
      'RestoreDBInstanceFromDBSnapshot',
      'RestoreDBInstanceToPointInTime',
      'DeleteDBInstance',
      'ModifyDBInstance',
      'RebootDBInstance',
      'StartDBInstance',
      'StopDBInstance',
      'AddTagsToResource',
      'RemoveTagsFromResource',
    ],
    rdsInstance,
  ),
]);
