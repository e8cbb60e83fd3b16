// The IAM actions Tally's role is granted: the single source of truth for the templates, the docs
// and the tests. Per type, the list/read handler permissions come from the official CloudFormation
// resource schemas (`handlers.list.permissions` / `handlers.read.permissions`): Cloud Control calls
// those handlers with the caller's credentials, so the role needs exactly these, and nothing that writes.

/** The resource types Tally inventories (the registry in libs/aws has one entry per type). */
export const SUPPORTED_RESOURCE_TYPES = [
  'AWS::S3::Bucket',
  'AWS::ECS::Cluster',
  'AWS::EC2::Instance',
  'AWS::Lambda::Function',
  'AWS::RDS::DBInstance',
] as const;

export type SupportedResourceType = (typeof SUPPORTED_RESOURCE_TYPES)[number];

export interface HandlerPermissions {
  /** What Cloud Control's ListResources needs for this type. */
  list: string[];
  /** What Cloud Control's GetResource needs for this type. */
  read: string[];
}

/** Per type: the schema's list and read handler permissions (service prefixes lower-cased). */
export const HANDLER_PERMISSIONS: Record<SupportedResourceType, HandlerPermissions> = {
  'AWS::S3::Bucket': {
    list: ['s3:ListAllMyBuckets'],
    read: [
      's3:GetAccelerateConfiguration',
      's3:GetLifecycleConfiguration',
      's3:GetBucketPublicAccessBlock',
      's3:GetAnalyticsConfiguration',
      's3:GetBucketCORS',
      's3:GetEncryptionConfiguration',
      's3:GetInventoryConfiguration',
      's3:GetBucketLogging',
      's3:GetMetricsConfiguration',
      's3:GetBucketNotification',
      's3:GetBucketVersioning',
      's3:GetReplicationConfiguration',
      's3:GetBucketWebsite',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketTagging',
      's3:GetBucketOwnershipControls',
      's3:GetIntelligentTieringConfiguration',
      's3:GetBucketMetadataTableConfiguration',
      's3:ListBucket',
    ],
  },
  'AWS::ECS::Cluster': {
    list: ['ecs:DescribeClusters', 'ecs:ListClusters'],
    read: ['ecs:DescribeClusters', 'kms:DescribeKey'],
  },
  'AWS::EC2::Instance': {
    list: ['ec2:DescribeInstances'],
    read: [
      'ec2:DescribeElasticGpus',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVolumes',
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceAttribute',
      'ec2:DescribeInstanceCreditSpecifications',
      'ec2:DescribeLaunchTemplates',
      'elastic-inference:DescribeAccelerators',
      'ssm:DescribeAssociation',
      'ssm:ListAssociations',
    ],
  },
  'AWS::Lambda::Function': {
    list: ['lambda:ListFunctions'],
    read: [
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetRuntimeManagementConfig',
    ],
  },
  'AWS::RDS::DBInstance': {
    list: ['rds:DescribeDBInstances'],
    read: [
      'ec2:DescribeAccountAttributes',
      'ec2:DescribeAvailabilityZones',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcAttribute',
      'ec2:DescribeVpcs',
      'rds:DescribeDBInstances',
    ],
  },
};

/** The Cloud Control API calls the collector makes itself. */
export const CLOUD_CONTROL_ACTIONS = ['cloudformation:ListResources', 'cloudformation:GetResource'] as const;

/** What the management account's role additionally needs in organization mode. */
export const ORGANIZATION_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:DescribeOrganization',
] as const;

/** What the role may do on its live-event queue (only that queue: receive, delete, change visibility, attributes, URL). */
export const LIVE_EVENTS_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;

/** What the role may do on the DLQ: read its depth. */
export const LIVE_EVENTS_DLQ_ACTIONS = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] as const;

/** Reads verification uses to report live-event coverage (forwarder rules, logging trails). */
export const LIVE_EVENTS_READ_ACTIONS = [
  'events:DescribeRule',
  'events:ListRules',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
] as const;

/** Every handler permission of the supported types, unique and sorted (the template's policy). */
export function handlerActions(types: readonly SupportedResourceType[] = SUPPORTED_RESOURCE_TYPES): string[] {
  const all = types.flatMap((t) => [...HANDLER_PERMISSIONS[t].list, ...HANDLER_PERMISSIONS[t].read]);
  return uniqueSorted(all);
}

/** Every action the role is granted: Cloud Control, the handlers, and (organization) Organizations reads. */
export function grantedActions(mode: 'account' | 'organization'): string[] {
  const org = mode === 'organization' ? [...ORGANIZATION_ACTIONS] : [];
  return uniqueSorted([
    ...CLOUD_CONTROL_ACTIONS,
    ...handlerActions(),
    ...LIVE_EVENTS_READ_ACTIONS,
    ...LIVE_EVENTS_QUEUE_ACTIONS,
    ...org,
  ]);
}

/** Why the role holds each group of actions (for the docs and the API's onboarding block). */
export const PERMISSION_PURPOSES: Record<string, string> = {
  'cloudformation:ListResources':
    'Cloud Control ListResources: pages through the resources of one type in one region.',
  'cloudformation:GetResource':
    "Cloud Control GetResource: reads one resource's full model when the list is partial.",
  'sqs:ReceiveMessage': "Live events: reads changes from the connection's own queue (tally-events-…) only.",
  'sqs:DeleteMessage': 'Live events: removes a message from that queue once its refresh is enqueued.',
  'sqs:ChangeMessageVisibility': 'Live events: keeps a message hidden while it is processed.',
  'sqs:GetQueueAttributes': 'Live events: the queue and DLQ depths shown on the dashboard.',
  'sqs:GetQueueUrl': "Live events: finds the connection's queue and DLQ by name.",
  'events:DescribeRule': 'Verification: checks the forwarding rules exist and are enabled.',
  'events:ListRules': 'Verification: finds the forwarding rules.',
  'cloudtrail:DescribeTrails': 'Verification: finds a trail that records management events.',
  'cloudtrail:GetTrailStatus': 'Verification: checks that trail is logging.',
  'organizations:ListAccounts': 'Organization mode: discovers the member accounts to inventory.',
  'organizations:DescribeOrganization':
    'Organization mode: checks the organization exists and finds its management account.',
};

// IAM action names are case-insensitive; de-duplicate on the lower-cased name, keep the first spelling.
function uniqueSorted(actions: string[]): string[] {
  const seen = new Map<string, string>();
  for (const a of actions) if (!seen.has(a.toLowerCase())) seen.set(a.toLowerCase(), a);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}
