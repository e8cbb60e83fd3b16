// Queue attributes: defaults, which can be set, and SQS's validation of names and values.
import { sqsErrors } from './sqs.errors';

export const DEFAULT_ATTRIBUTES: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const NUMERIC: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};
const SETTABLE = new Set([
  ...Object.keys(NUMERIC),
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
]);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

/** Checks attribute names and values (SQS's own validation messages). */
export function validateAttributes(attrs: Record<string, string>, fifo: boolean, creating: boolean): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'string') throw sqsErrors.invalidAttributeValue(name, 'must be a string');
    if (!SETTABLE.has(name)) throw sqsErrors.invalidAttributeName(name);
    if (!fifo && (FIFO_ONLY.has(name) || (name === 'FifoQueue' && value === 'true' && creating)))
      throw sqsErrors.invalidAttributeName(name);
    const range = NUMERIC[name];
    if (range) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < range[0] || n > range[1])
        throw sqsErrors.invalidAttributeValue(
          name,
          `must be an integer between ${range[0]} and ${range[1]}.`,
        );
    }
    if (name === 'RedrivePolicy' && value !== '') checkRedrive(value);
    if (name === 'Policy' && value !== '') {
      try {
        JSON.parse(value);
      } catch {
        throw sqsErrors.invalidAttributeValue(name, 'Policy is not a valid JSON document.');
      }
    }
    if (
      ['SqsManagedSseEnabled', 'ContentBasedDeduplication', 'FifoQueue'].includes(name) &&
      !/^(true|false)$/.test(value)
    )
      throw sqsErrors.invalidAttributeValue(name, 'must be true or false.');
  }
}

function checkRedrive(value: string): void {
  let p: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    p = JSON.parse(value);
  } catch {
    throw sqsErrors.invalidAttributeValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  if (typeof p.deadLetterTargetArn !== 'string' || !p.deadLetterTargetArn.startsWith('arn:aws:sqs:'))
    throw sqsErrors.invalidAttributeValue('RedrivePolicy', 'Dead letter target ARN is missing or invalid.');
  const n = Number(p.maxReceiveCount);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw sqsErrors.invalidAttributeValue(
      'RedrivePolicy',
      'Value for maxReceiveCount must be between 1 and 1000.',
    );
}
