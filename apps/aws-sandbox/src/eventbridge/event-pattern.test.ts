// Event-pattern matching against the examples of AWS's EventBridge documentation ("Content
// filtering in Amazon EventBridge event patterns", "Matching events on event field values",
// "Arrays in event patterns") and the validation errors EventBridge gives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AwsError } from '../contract';
import { matchesEventPattern, parseEventPattern } from './event-pattern';

const match = (pattern: object, event: object) => matchesEventPattern(parseEventPattern(pattern), event);

const EC2_STATE = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2017-10-02T18:43:48Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
};

describe('EventBridge event patterns', () => {
  it('exact values, several values (OR) and several fields (AND)', () => {
    assert.ok(
      match({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'] }, EC2_STATE),
    );
    assert.ok(match({ detail: { state: ['running', 'pending'] } }, EC2_STATE));
    assert.ok(!match({ source: ['aws.ec2'], detail: { state: ['running'] } }, EC2_STATE));
    assert.ok(!match({ source: ['aws.s3'] }, EC2_STATE));
  });

  it('null and empty values, as in the Auto Scaling example', () => {
    const event = {
      source: 'aws.autoscaling',
      'detail-type': 'EC2 Instance Launch Successful',
      detail: { eventVersion: '', responseElements: null },
    };
    assert.ok(match({ source: ['aws.autoscaling'], detail: { responseElements: [null] } }, event));
    assert.ok(match({ detail: { eventVersion: [''] } }, event));
    assert.ok(!match({ detail: { eventVersion: [null] } }, event));
  });

  it('numbers and nested objects, as in the Macie example', () => {
    const macie = { source: 'aws.macie', detail: { severity: { score: 1, description: 'Low' }, count: 2 } };
    assert.ok(match({ source: ['aws.macie'], detail: { severity: { score: [1] }, count: [2] } }, macie));
    assert.ok(
      !match({ detail: { severity: { score: ['1'] } } }, macie),
      'the string "1" is not the number 1',
    );
  });

  it('prefix, suffix and their ignore-case forms', () => {
    assert.ok(match({ time: [{ prefix: '2017-10-02' }] }, EC2_STATE));
    assert.ok(match({ region: [{ prefix: 'us-' }] }, EC2_STATE));
    assert.ok(!match({ region: [{ prefix: 'eu-' }] }, EC2_STATE));
    assert.ok(match({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.png' }));
    assert.ok(
      match(
        { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
        { detail: { FileName: 'A.PNG' } },
      ),
    );
    assert.ok(
      match(
        { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
        { detail: { service: 'eventbridge' } },
      ),
    );
    assert.ok(!match({ FileName: [{ suffix: '.png' }] }, { FileName: 'photo.PNG' }));
  });

  it('anything-but: a value, a list, a prefix, a suffix, ignore case; never a missing field', () => {
    assert.ok(
      match({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'running' } }),
    );
    assert.ok(
      !match(
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        { detail: { state: 'initializing' } },
      ),
    );
    assert.ok(!match({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 123 } }));
    assert.ok(
      match({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, { detail: { 'x-limit': 250 } }),
    );
    assert.ok(
      !match(
        { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
        { detail: { state: 'stopped' } },
      ),
    );
    assert.ok(
      !match(
        { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
        { detail: { state: 'initializing' } },
      ),
    );
    assert.ok(match({ FileName: [{ 'anything-but': { suffix: '.txt' } }] }, { FileName: 'a.png' }));
    assert.ok(
      !match(
        { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
        { state: 'INITIALIZING' },
      ),
    );
    assert.ok(!match({ detail: { state: [{ 'anything-but': 'x' }] } }, { detail: {} }));
  });

  it('numeric ranges', () => {
    const detail = { detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } };
    assert.ok(
      match(
        {
          detail: {
            'c-count': [{ numeric: ['>', 0, '<=', 5] }],
            'd-count': [{ numeric: ['<', 10] }],
            'x-limit': [{ numeric: ['=', 3.018e2] }],
          },
        },
        detail,
      ),
    );
    assert.ok(!match({ detail: { 'c-count': [{ numeric: ['>', 5] }] } }, detail));
    assert.ok(
      !match({ detail: { 'c-count': [{ numeric: ['>', 0] }] } }, { detail: { 'c-count': '5' } }),
      'strings are not numbers',
    );
  });

  it('exists true and false, also under a missing parent', () => {
    assert.ok(match({ detail: { state: [{ exists: true }] } }, EC2_STATE));
    assert.ok(!match({ detail: { state: [{ exists: false }] } }, EC2_STATE));
    assert.ok(
      match({ detail: { errorCode: [{ exists: false }] } }, { detail: { eventName: 'RunInstances' } }),
    );
    assert.ok(
      !match({ detail: { errorCode: [{ exists: false }] } }, { detail: { errorCode: 'AccessDenied' } }),
    );
    assert.ok(match({ detail: { a: { b: [{ exists: false }] } } }, { detail: {} }));
  });

  it('equals-ignore-case, wildcard and cidr', () => {
    assert.ok(match({ name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'ALICE' }));
    assert.ok(
      match(
        { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
        { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
      ),
    );
    assert.ok(
      match(
        { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
        { detail: { sourceIPAddress: '10.0.0.255' } },
      ),
    );
    assert.ok(
      !match(
        { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
        { detail: { sourceIPAddress: '10.0.1.1' } },
      ),
    );
  });

  it('arrays in events match when any element matches; $or', () => {
    const event = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      ],
    };
    assert.ok(
      match(
        {
          resources: [
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
            'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
          ],
        },
        event,
      ),
    );
    assert.ok(!match({ resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] }, event));
    const orPattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    assert.ok(match(orPattern, { detail: { 'd-count': 3 } }));
    assert.ok(!match(orPattern, { detail: { 'c-count': 9, 'd-count': 30 } }));
    // The forwarder's pattern: five sources and two detail types.
    const forwarder = {
      source: ['aws.s3', 'aws.ec2', 'aws.ecs', 'aws.lambda', 'aws.rds'],
      'detail-type': ['AWS API Call via CloudTrail', 'EC2 Instance State-change Notification'],
    };
    assert.ok(match(forwarder, EC2_STATE));
    assert.ok(
      !match(forwarder, { ...EC2_STATE, source: 'aws.eks', 'detail-type': 'AWS API Call via CloudTrail' }),
    );
  });

  it('rejects invalid patterns with EventBridge’s error', () => {
    for (const bad of [
      'not json',
      '[]',
      '{}',
      '{"source":"aws.s3"}',
      '{"source":[]}',
      '{"a":[{"numeric":["~",1]}]}',
      '{"a":[{"nope":1}]}',
      '{"a":[{"exists":"yes"}]}',
    ]) {
      assert.throws(
        () => parseEventPattern(bad),
        (e: unknown) =>
          e instanceof AwsError &&
          e.code === 'InvalidEventPatternException' &&
          /^Event pattern is not valid/.test(e.message),
        bad,
      );
    }
  });
});
