// The live-events resource types the sandbox's CloudFormation creates, through the same stores the
// SQS, EventBridge and CloudTrail APIs serve: AWS::SQS::Queue, AWS::SQS::QueuePolicy,
// AWS::Events::Rule, AWS::Events::EventBusPolicy and AWS::CloudTrail::Trail. Property names and
// Ref/GetAtt values follow the CloudFormation resource schemas.
import { randomUUID } from 'node:crypto';
import type { CloudTrailStore } from '../cloudtrail/cloudtrail.store';
import type { EventBridgeStore, RuleTarget } from '../eventbridge/eventbridge.store';
import type { SqsStore } from '../sqs/sqs.store';
import type { CreatedResource, ResourceContext } from './stack.resources';
import type { Value } from './template.intrinsics';
import { invalid } from './template.parse';

export interface LiveStores {
  sqs: SqsStore;
  events: EventBridgeStore;
  trails: CloudTrailStore;
}

interface Handler {
  properties: string[];
  required: string[];
  create(ctx: ResourceContext): Promise<Omit<CreatedResource, 'logicalId' | 'type' | 'accountId'>>;
  remove(resource: CreatedResource): Promise<void>;
}

const QUEUE_ATTRIBUTES = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'DelaySeconds',
  'FifoQueue',
  'FifoThroughputLimit',
  'KmsDataKeyReusePeriodSeconds',
  'KmsMasterKeyId',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'RedriveAllowPolicy',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'VisibilityTimeout',
];

/** Handlers for the live-events types, keyed by type name. */
export function liveResourceHandlers(live: LiveStores): Record<string, Handler> {
  return {
    'AWS::SQS::Queue': queue(live),
    'AWS::SQS::QueuePolicy': queuePolicy(live),
    'AWS::Events::Rule': rule(live),
    'AWS::Events::EventBusPolicy': busPolicy(live),
    'AWS::CloudTrail::Trail': trail(live),
  };
}

function queue({ sqs }: LiveStores): Handler {
  return {
    properties: ['QueueName', 'Tags', ...QUEUE_ATTRIBUTES],
    required: [],
    async create({ accountId, region, stackName, logicalId, properties: p }) {
      const fifo = bool(p.FifoQueue);
      const name =
        typeof p.QueueName === 'string'
          ? p.QueueName
          : `${stackName}-${logicalId}-${randomUUID().slice(0, 12).toUpperCase()}`.slice(0, fifo ? 75 : 80) +
            (fifo ? '.fifo' : '');
      if (sqs.get(accountId, region, name)) throw invalid(`${name} already exists`);
      const attributes: Record<string, string> = {};
      for (const k of QUEUE_ATTRIBUTES) {
        const v = p[k];
        if (v === undefined) continue;
        attributes[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      }
      const q = sqs.create(accountId, region, name, attributes, tags(p.Tags));
      const url = sqs.urlOf(q);
      return {
        physicalId: q.arn,
        outputs: { ref: url, attributes: { Arn: q.arn, QueueName: name, QueueUrl: url } },
      };
    },
    async remove(r) {
      const q = sqs.byArn(r.physicalId);
      if (q) sqs.delete(q);
    },
  };
}

function queuePolicy({ sqs }: LiveStores): Handler {
  return {
    properties: ['PolicyDocument', 'Queues'],
    required: ['PolicyDocument', 'Queues'],
    async create({ region, properties: p }) {
      const doc = typeof p.PolicyDocument === 'string' ? p.PolicyDocument : JSON.stringify(p.PolicyDocument);
      const urls = strings(p.Queues, 'Queues');
      for (const url of urls) sqs.byUrl(url, region).setAttributes({ Policy: doc });
      const id = `${randomUUID()}`;
      return { physicalId: `${region}|${urls.join(',')}`, outputs: { ref: id, attributes: { Id: id } } };
    },
    async remove(r) {
      const [region, urls] = r.physicalId.split('|');
      for (const url of urls.split(',')) {
        try {
          sqs.byUrl(url, region).setAttributes({ Policy: '' });
        } catch {
          // the queue went first
        }
      }
    },
  };
}

function rule({ events }: LiveStores): Handler {
  return {
    properties: [
      'Description',
      'EventBusName',
      'EventPattern',
      'Name',
      'RoleArn',
      'ScheduleExpression',
      'State',
      'Targets',
    ],
    required: [],
    async create({ accountId, region, stackName, logicalId, properties: p }) {
      const bus = events.bus(
        accountId,
        region,
        typeof p.EventBusName === 'string' ? p.EventBusName : 'default',
      );
      const name =
        typeof p.Name === 'string'
          ? p.Name
          : `${stackName}-${logicalId}-${randomUUID().slice(0, 12).toUpperCase()}`.slice(0, 64);
      if (bus.rules.has(name)) throw invalid(`Rule ${name} already exists on EventBus ${bus.name}`);
      const created = events.putRule(bus, {
        name,
        eventPattern: p.EventPattern,
        scheduleExpression: typeof p.ScheduleExpression === 'string' ? p.ScheduleExpression : undefined,
        state: typeof p.State === 'string' ? p.State : undefined,
        description: typeof p.Description === 'string' ? p.Description : undefined,
        roleArn: typeof p.RoleArn === 'string' ? p.RoleArn : undefined,
      });
      const targets = (Array.isArray(p.Targets) ? p.Targets : []) as unknown as RuleTarget[];
      if (targets.length > 5) throw invalid('A rule can have at most 5 targets');
      for (const t of targets) {
        if (typeof t?.Id !== 'string' || typeof t?.Arn !== 'string') throw invalid('Targets need Id and Arn');
        created.targets.set(t.Id, { ...t });
      }
      const ref = bus.name === 'default' ? name : `${bus.name}|${name}`;
      return { physicalId: created.arn, outputs: { ref, attributes: { Arn: created.arn } } };
    },
    async remove(r) {
      const [, , , region, accountId, resource] = r.physicalId.split(':');
      const parts = resource.replace(/^rule\//, '').split('/');
      const [busName, name] = parts.length === 2 ? parts : ['default', parts[0]];
      try {
        events.deleteRule(events.bus(accountId, region, busName), name, true);
      } catch {
        // the bus is gone
      }
    },
  };
}

function busPolicy({ events }: LiveStores): Handler {
  return {
    properties: ['EventBusName', 'StatementId', 'Statement', 'Action', 'Principal', 'Condition'],
    required: ['StatementId'],
    async create({ accountId, region, properties: p }) {
      const bus = events.bus(
        accountId,
        region,
        typeof p.EventBusName === 'string' ? p.EventBusName : 'default',
      );
      const sid = String(p.StatementId);
      if (p.Statement !== undefined) {
        const s = p.Statement as Record<string, Value>;
        events.addStatement(bus, { ...s, Sid: sid, Resource: s.Resource ?? bus.arn });
      } else {
        if (typeof p.Principal !== 'string')
          throw invalid('EventBusPolicy needs Statement, or Principal and Action');
        const c = p.Condition as { Type?: string; Key?: string; Value?: string } | undefined;
        events.addStatement(bus, {
          Sid: sid,
          Effect: 'Allow',
          Principal: p.Principal === '*' ? '*' : { AWS: `arn:aws:iam::${p.Principal}:root` },
          Action: p.Action ?? 'events:PutEvents',
          Resource: bus.arn,
          ...(c?.Key ? { Condition: { [c.Type ?? 'StringEquals']: { [c.Key]: c.Value } } } : {}),
        });
      }
      return { physicalId: `${bus.arn}|${sid}`, outputs: { ref: sid, attributes: {} } };
    },
    async remove(r) {
      const [arn, sid] = r.physicalId.split('|');
      try {
        events.removeStatement(events.bus('', '', arn), sid);
      } catch {
        // already gone
      }
    },
  };
}

function trail({ trails }: LiveStores): Handler {
  return {
    properties: [
      'AdvancedEventSelectors',
      'CloudWatchLogsLogGroupArn',
      'CloudWatchLogsRoleArn',
      'EnableLogFileValidation',
      'EventSelectors',
      'IncludeGlobalServiceEvents',
      'InsightSelectors',
      'IsLogging',
      'IsMultiRegionTrail',
      'IsOrganizationTrail',
      'KMSKeyId',
      'S3BucketName',
      'S3KeyPrefix',
      'SnsTopicName',
      'Tags',
      'TrailName',
    ],
    required: ['IsLogging', 'S3BucketName'],
    async create({ accountId, region, stackName, logicalId, properties: p }) {
      const name =
        typeof p.TrailName === 'string'
          ? p.TrailName
          : `${stackName}-${logicalId}-${randomUUID().slice(0, 12).toUpperCase()}`;
      const t = trails.create(accountId, region, {
        name,
        s3BucketName: String(p.S3BucketName),
        s3KeyPrefix: typeof p.S3KeyPrefix === 'string' ? p.S3KeyPrefix : undefined,
        isMultiRegion: bool(p.IsMultiRegionTrail),
        isOrganizationTrail: bool(p.IsOrganizationTrail),
        includeGlobalServiceEvents:
          p.IncludeGlobalServiceEvents === undefined || bool(p.IncludeGlobalServiceEvents),
        logFileValidation: bool(p.EnableLogFileValidation),
        kmsKeyId: typeof p.KMSKeyId === 'string' ? p.KMSKeyId : undefined,
        tags: tags(p.Tags),
      });
      if (bool(p.IsLogging)) {
        t.logging = true;
        t.startedAt = Date.now();
      }
      return { physicalId: t.arn, outputs: { ref: name, attributes: { Arn: t.arn, SnsTopicArn: '' } } };
    },
    async remove(r) {
      const t = trails.all().find((x) => x.arn === r.physicalId);
      if (t) trails.delete(t);
    },
  };
}

function bool(v: Value | undefined): boolean {
  return v === true || v === 'true';
}

function strings(v: Value | undefined, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw invalid(`${what} must be a list of strings`);
  return v as string[];
}

function tags(v: Value | undefined): Record<string, string> {
  if (v === undefined) return {};
  if (!Array.isArray(v)) throw invalid('Tags must be a list of {Key, Value}');
  return Object.fromEntries(
    v.map((t) => [String((t as Record<string, Value>).Key), String((t as Record<string, Value>).Value)]),
  );
}
