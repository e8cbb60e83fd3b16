import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineDecisions, evaluatePolicies } from './access';
import { parsePolicyDocument } from './policy-document';

const QUEUE = 'arn:aws:sqs:us-east-1:111111111111:tally-events';
const RULE = 'arn:aws:events:us-east-1:111111111111:rule/tally-events';
const doc = (statements: object[]) =>
  parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, 'test');

describe('access decisions with resources and conditions', () => {
  it('identity policies match resources by wildcard; an explicit Deny wins; NotResource excludes', () => {
    const p = doc([
      { Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:111111111111:tally-*' },
      { Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' },
      { Effect: 'Allow', Action: 'events:DescribeRule', NotResource: RULE },
    ]);
    assert.equal(evaluatePolicies([p], { action: 'sqs:ReceiveMessage', resource: QUEUE }), 'allow');
    assert.equal(
      evaluatePolicies([p], {
        action: 'sqs:ReceiveMessage',
        resource: `${QUEUE.replace('tally-', 'other-')}`,
      }),
      'none',
    );
    assert.equal(evaluatePolicies([p], { action: 'sqs:DeleteQueue', resource: QUEUE }), 'deny');
    assert.equal(evaluatePolicies([p], { action: 'events:DescribeRule', resource: RULE }), 'none');
  });

  it('resource policies: service principals with aws:SourceArn, accounts and aws:PrincipalOrgID', () => {
    const queuePolicy = doc([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: QUEUE,
        Condition: { ArnEquals: { 'aws:SourceArn': RULE } },
      },
    ]);
    const events = { kind: 'service' as const, service: 'events.amazonaws.com' };
    const send = (sourceArn: string) =>
      evaluatePolicies(
        [queuePolicy],
        { action: 'sqs:SendMessage', resource: QUEUE, context: { 'aws:SourceArn': sourceArn } },
        events,
      );
    assert.equal(send(RULE), 'allow');
    assert.equal(send(`${RULE}-other`), 'none');
    assert.equal(
      evaluatePolicies(
        [queuePolicy],
        { action: 'sqs:SendMessage', resource: QUEUE, context: { 'aws:SourceArn': RULE } },
        { kind: 'service', service: 'sns.amazonaws.com' },
      ),
      'none',
    );
    const busPolicy = doc([
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc1234567' } },
      },
      { Effect: 'Allow', Principal: { AWS: '333333333333' }, Action: 'events:PutEvents', Resource: '*' },
    ]);
    const member = (accountId: string, org?: string) =>
      evaluatePolicies(
        [busPolicy],
        {
          action: 'events:PutEvents',
          resource: 'arn:aws:events:us-east-1:111111111111:event-bus/default',
          context: { 'aws:PrincipalOrgID': org },
        },
        { kind: 'aws', accountId, arns: [`arn:aws:iam::${accountId}:role/forwarder`] },
      );
    assert.equal(member('222222222222', 'o-abc1234567'), 'allow');
    assert.equal(member('222222222222'), 'none');
    assert.equal(member('333333333333'), 'allow', 'an account principal');
  });

  it('combines identity and resource decisions the IAM way', () => {
    assert.equal(combineDecisions('allow', 'none', true), true);
    assert.equal(combineDecisions('none', 'allow', true), true);
    assert.equal(combineDecisions('allow', 'none', false), false, 'across accounts both must allow');
    assert.equal(combineDecisions('allow', 'allow', false), true);
    assert.equal(combineDecisions('allow', 'deny', true), false);
  });
});
