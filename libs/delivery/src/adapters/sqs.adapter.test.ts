import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeliveryItem } from './adapter';
import { messageGroupId, queueUrlProblem, sqsBody } from './sqs.adapter';

const resource = {
  id: '7b7c5d2e-1111-4222-8333-444455556666',
  provider: 'aws' as const,
  type: 'AWS::S3::Bucket',
  identifier: 'logs',
  arn: null,
  name: 'logs',
  accountId: '123456789012',
  region: 'eu-west-1',
  tags: {},
  relationships: [],
  properties: { BucketName: 'logs' } as Record<string, unknown>,
  firstSeenAt: new Date(0),
  lastSeenAt: new Date(0),
  updatedAt: new Date(0),
  deletedAt: null,
};
const item = (props: Record<string, unknown>): DeliveryItem => ({
  id: 'c1',
  cursor: 'c1_MQ',
  kind: 'updated',
  at: new Date(0),
  source: 'sync',
  runId: null,
  eventId: null,
  changedFields: [],
  resource: { ...resource, properties: props },
});

describe('SQS adapter pieces', () => {
  it('groups FIFO messages by a stable hash of the resource key', () => {
    assert.equal(messageGroupId(resource), messageGroupId({ ...resource, name: 'renamed' }));
    assert.notEqual(messageGroupId(resource), messageGroupId({ ...resource, region: 'us-east-1' }));
    assert.match(messageGroupId(resource), /^[0-9a-f]{64}$/);
  });

  it('sends an oversize change without properties, marked truncated', () => {
    const small = JSON.parse(sqsBody(item({ BucketName: 'logs' })));
    assert.equal(small.data.truncated, undefined);
    assert.equal(small.type, 'resource.updated');
    const big = sqsBody(item({ Policy: 'x'.repeat(300_000) }));
    assert.ok(Buffer.byteLength(big) < 262_144);
    const parsed = JSON.parse(big);
    assert.equal(parsed.data.truncated, true);
    assert.deepEqual(parsed.data.resource.properties, {});
  });

  it('accepts only AWS queue URLs, or the sandbox endpoint’s origin when one is configured', () => {
    assert.equal(queueUrlProblem('https://sqs.eu-west-1.amazonaws.com/123456789012/inv.fifo'), null);
    assert.match(queueUrlProblem('http://169.254.169.254/latest/meta-data')!, /SQS queue URL/);
    assert.match(
      queueUrlProblem('https://sqs.eu-west-1.amazonaws.com.evil.com/123456789012/q')!,
      /SQS queue URL/,
    );
    assert.equal(queueUrlProblem('http://127.0.0.1:4566/123456789012/q', 'http://127.0.0.1:4566'), null);
    assert.match(queueUrlProblem('http://127.0.0.1:9999/123456789012/q', 'http://127.0.0.1:4566')!, /SQS/);
  });
});
