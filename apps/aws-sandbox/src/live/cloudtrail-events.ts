// The events AWS sends to EventBridge for a resource mutation: "AWS API Call via CloudTrail" with
// each call's real eventSource, eventName, requestParameters and responseElements (one row per
// call kind), plus EC2's "EC2 Instance State-change Notification". Built from the resource models
// before and after the change.
import { randomUUID } from 'node:crypto';
import type { Model } from '../cloud/types';
import type { Call } from './calls/call.helpers';
import { ec2Calls, stateNotifications } from './calls/ec2.calls';
import { ecsCalls } from './calls/ecs.calls';
import { lambdaCalls } from './calls/lambda.calls';
import { rdsCalls } from './calls/rds.calls';
import { s3Calls } from './calls/s3.calls';

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

const SERVICES: Record<string, { source: string; calls: (m: ResourceMutation) => Call[] }> = {
  'AWS::S3::Bucket': { source: 'aws.s3', calls: s3Calls },
  'AWS::EC2::Instance': { source: 'aws.ec2', calls: ec2Calls },
  'AWS::ECS::Cluster': { source: 'aws.ecs', calls: ecsCalls },
  'AWS::Lambda::Function': { source: 'aws.lambda', calls: lambdaCalls },
  'AWS::RDS::DBInstance': { source: 'aws.rds', calls: rdsCalls },
};
