// Live events in the onboarding templates (DESIGN §4 "Live events", §5 "Templates"): in the stack's
// region (the connection's home region) an SQS queue with its DLQ, the queue policy that lets only
// the rule send, the rule for the five sources, optionally a multi-region trail; and the forwarder
// template that sends one more region (or member account) to that home bus.
import { equals, getAtt, Intrinsic, ref, sub } from './cfn-yaml';
import { LIVE_EVENTS_DLQ_ACTIONS, LIVE_EVENTS_QUEUE_ACTIONS } from './onboarding.permissions';
import { FORWARDER_PARAMETERS, ORG_PARAMETERS, PARAMETERS, PATTERNS } from './onboarding.parameters';

/** The sources the rules match (one per supported resource type's service). */
export const LIVE_EVENT_SOURCES = ['aws.s3', 'aws.ec2', 'aws.ecs', 'aws.lambda', 'aws.rds'] as const;

/** The detail-types the rules match. */
export const LIVE_EVENT_DETAIL_TYPES = [
  'AWS API Call via CloudTrail',
  'EC2 Instance State-change Notification',
] as const;

/** The rules' event pattern: always with `source`, never a bare detail-type match. */
export const LIVE_EVENT_PATTERN = {
  source: [...LIVE_EVENT_SOURCES],
  'detail-type': [...LIVE_EVENT_DETAIL_TYPES],
};

/** Condition names. */
export const LIVE_EVENTS_CONDITION = 'LiveEvents';
export const TRAIL_CONDITION = 'Trail';
const REMOTE_CONDITION = 'Remote';

/** Names derived from the connection id (first 8 characters, i.e. its UUID's first group). */
export function liveEventNames(connectionId: string): {
  queue: string;
  dlq: string;
  rule: string;
  forwarderRule: string;
  trail: string;
} {
  const key = connectionId.slice(0, 8).toLowerCase();
  return {
    queue: `tally-events-${key}`,
    dlq: `tally-events-${key}-dlq`,
    rule: `tally-events-${key}`,
    forwarderRule: `tally-forwarder-${key}`,
    trail: `tally-trail-${key}`,
  };
}

/** `!Sub [template, { Key: <first 8 chars of the connection id, taken from Subject> }]` */
function keyed(template: string, extra: Record<string, unknown> = {}): Intrinsic {
  const connectionId = new Intrinsic('Select', [3, new Intrinsic('Split', [':', ref(PARAMETERS.subject)])]);
  const key = new Intrinsic('Select', [0, new Intrinsic('Split', ['-', connectionId])]);
  return sub(template, { Key: key, ...extra });
}

/** Parameters shared by both onboarding templates. */
export function liveEventParameters(): Record<string, unknown> {
  return {
    [PARAMETERS.enableLiveEvents]: {
      Type: 'String',
      Description:
        "Send changes to Tally within seconds: an SQS queue (+ DLQ) and an EventBridge rule in this region, which Tally's role reads.",
      Default: 'true',
      AllowedValues: ['true', 'false'],
    },
    [PARAMETERS.createTrail]: {
      Type: 'String',
      Description:
        'Create a multi-region CloudTrail trail (and its S3 bucket). Live events need a logging trail: choose false if the account already has one.',
      Default: 'false',
      AllowedValues: ['true', 'false'],
    },
  };
}

/** The conditions the live-event resources use. */
export function liveEventConditions(): Record<string, unknown> {
  return {
    [LIVE_EVENTS_CONDITION]: equals(ref(PARAMETERS.enableLiveEvents), 'true'),
    [TRAIL_CONDITION]: equals(ref(PARAMETERS.createTrail), 'true'),
  };
}

/**
 * The role's rights on the connection's queue and its DLQ: an inline policy of its own, naming
 * the queues by their fixed names (so it needs no condition; without live events they do not exist).
 */
export function liveEventQueuePolicy(): Record<string, unknown> {
  const arn = (suffix: string) =>
    keyed(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:tally-events-\${Key}${suffix}`);
  return {
    PolicyName: 'TallyLiveEventsQueue',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'LiveEventsQueue',
          Effect: 'Allow',
          Action: [...LIVE_EVENTS_QUEUE_ACTIONS],
          Resource: arn(''),
        },
        {
          Sid: 'LiveEventsDeadLetters',
          Effect: 'Allow',
          Action: [...LIVE_EVENTS_DLQ_ACTIONS],
          Resource: arn('-dlq'),
        },
      ],
    },
  };
}

const TAGS = [{ Key: 'managed-by', Value: 'tally' }];

/** Queue, DLQ, queue policy and rule in the home region; with `organization`, the bus policy for members. */
export function liveEventResources(mode: 'account' | 'organization'): Record<string, unknown> {
  const resources: Record<string, unknown> = {
    EventsDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Condition: LIVE_EVENTS_CONDITION,
      Properties: {
        QueueName: keyed('tally-events-${Key}-dlq'),
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
        Tags: TAGS,
      },
    },
    EventsQueue: {
      Type: 'AWS::SQS::Queue',
      Condition: LIVE_EVENTS_CONDITION,
      Properties: {
        QueueName: keyed('tally-events-${Key}'),
        SqsManagedSseEnabled: true,
        // Events wait out a Tally outage for up to 4 days; a message being processed stays hidden
        // well beyond one refresh's enqueue.
        MessageRetentionPeriod: 345600,
        VisibilityTimeout: 120,
        ReceiveMessageWaitTimeSeconds: 20,
        RedrivePolicy: { deadLetterTargetArn: getAtt('EventsDeadLetterQueue', 'Arn'), maxReceiveCount: 5 },
        Tags: TAGS,
      },
    },
    EventsQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Condition: LIVE_EVENTS_CONDITION,
      Properties: {
        Queues: [ref('EventsQueue')],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TallyRuleSends',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: getAtt('EventsQueue', 'Arn'),
              Condition: { ArnEquals: { 'aws:SourceArn': getAtt('EventsRule', 'Arn') } },
            },
          ],
        },
      },
    },
    EventsRule: {
      Type: 'AWS::Events::Rule',
      Condition: LIVE_EVENTS_CONDITION,
      Properties: {
        Name: keyed('tally-events-${Key}'),
        Description:
          "Tally live events: resource changes (this region's and forwarded ones) to Tally's queue",
        EventBusName: 'default',
        EventPattern: LIVE_EVENT_PATTERN,
        State: 'ENABLED',
        Targets: [{ Id: 'tally-events-queue', Arn: getAtt('EventsQueue', 'Arn') }],
      },
    },
    ...trailResources(mode),
  };
  if (mode === 'organization') {
    resources.EventsBusPolicy = {
      Type: 'AWS::Events::EventBusPolicy',
      Condition: LIVE_EVENTS_CONDITION,
      Properties: {
        EventBusName: 'default',
        StatementId: keyed('tally-forwarders-${Key}'),
        Statement: {
          Sid: keyed('tally-forwarders-${Key}'),
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default'),
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ref(ORG_PARAMETERS.organizationId) } },
        },
      },
    };
  }
  return resources;
}

/** The optional multi-region trail (organization: an organization trail) with its bucket. */
function trailResources(mode: 'account' | 'organization'): Record<string, unknown> {
  const trailArn = keyed(
    'arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/tally-trail-${Key}',
  );
  const logPaths: unknown[] = [sub('${TrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*')];
  if (mode === 'organization')
    logPaths.push(
      sub('${TrailBucket.Arn}/AWSLogs/${OrgId}/*', { OrgId: ref(ORG_PARAMETERS.organizationId) }),
    );
  return {
    TrailBucket: {
      Type: 'AWS::S3::Bucket',
      Condition: TRAIL_CONDITION,
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        Tags: TAGS,
      },
    },
    TrailBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Condition: TRAIL_CONDITION,
      Properties: {
        Bucket: ref('TrailBucket'),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'CloudTrailAclCheck',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: getAtt('TrailBucket', 'Arn'),
              Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
            },
            {
              Sid: 'CloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: logPaths,
              Condition: {
                StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn },
              },
            },
          ],
        },
      },
    },
    Trail: {
      Type: 'AWS::CloudTrail::Trail',
      Condition: TRAIL_CONDITION,
      DependsOn: ['TrailBucketPolicy'],
      Properties: {
        TrailName: keyed('tally-trail-${Key}'),
        S3BucketName: ref('TrailBucket'),
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        ...(mode === 'organization' ? { IsOrganizationTrail: true } : {}),
        Tags: TAGS,
      },
    },
  };
}

/** Outputs of the home stack's queue. */
export function liveEventOutputs(): Record<string, unknown> {
  return {
    EventsQueueUrl: {
      Condition: LIVE_EVENTS_CONDITION,
      Description: 'The queue Tally reads live events from',
      Value: ref('EventsQueue'),
    },
    EventsRuleArn: {
      Condition: LIVE_EVENTS_CONDITION,
      Description: 'The rule that sends resource changes to the queue',
      Value: getAtt('EventsRule', 'Arn'),
    },
  };
}

/** The forwarder template: one region's (or member account's) rule sending to the home region's bus. */
export function forwarderTemplate(): Record<string, unknown> {
  // A Join, not a Sub: cfn-lint checks a target's Arn and cannot read a Sub with pseudo parameters.
  const homeBus = new Intrinsic('Join', [
    ':',
    ['arn', ref('AWS::Partition'), 'events', ref('HomeRegion'), ref('HomeAccountId'), 'event-bus/default'],
  ]);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: "Tally live events: forwards this region's resource changes to the connection's home region",
    Parameters: {
      [FORWARDER_PARAMETERS.subject]: {
        Type: 'String',
        Description: 'The subject (sub) of your Tally connection (names the rule).',
        AllowedPattern: PATTERNS.subject,
        ConstraintDescription: 'tenant:<uuid>:connection:<uuid>, exactly as Tally shows it',
      },
      [FORWARDER_PARAMETERS.homeAccountId]: {
        Type: 'String',
        Description:
          "The account of Tally's queue (single account: this account; organization: the management account).",
        AllowedPattern: PATTERNS.accountId,
        ConstraintDescription: 'a 12-digit AWS account id',
      },
      [FORWARDER_PARAMETERS.homeRegion]: {
        Type: 'String',
        Description: "The region of Tally's queue (the connection's home region).",
        AllowedPattern: PATTERNS.region,
        ConstraintDescription: 'a region name such as us-east-1',
      },
    },
    Conditions: {
      // The home region of the home account has the queue's own rule: forwarding there would loop.
      [REMOTE_CONDITION]: new Intrinsic('Or', [
        new Intrinsic('Not', [equals(ref('AWS::Region'), ref(FORWARDER_PARAMETERS.homeRegion))]),
        new Intrinsic('Not', [equals(ref('AWS::AccountId'), ref(FORWARDER_PARAMETERS.homeAccountId))]),
      ]),
    },
    Resources: {
      ForwarderRole: {
        Type: 'AWS::IAM::Role',
        Condition: REMOTE_CONDITION,
        Properties: {
          Description: "Lets EventBridge put this region's resource changes on Tally's home bus",
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'TallyForwardEvents',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: homeBus }],
              },
            },
          ],
          Tags: TAGS,
        },
      },
      ForwarderRule: {
        Type: 'AWS::Events::Rule',
        Condition: REMOTE_CONDITION,
        Properties: {
          Name: keyed('tally-forwarder-${Key}'),
          Description: "Tally live events: this region's resource changes to the home region's bus",
          EventBusName: 'default',
          EventPattern: LIVE_EVENT_PATTERN,
          State: 'ENABLED',
          Targets: [{ Id: 'tally-home-bus', Arn: homeBus, RoleArn: getAtt('ForwarderRole', 'Arn') }],
        },
      },
    },
    Outputs: {
      ForwarderRuleArn: {
        Condition: REMOTE_CONDITION,
        Description: 'The forwarding rule',
        Value: getAtt('ForwarderRule', 'Arn'),
      },
    },
  };
}
