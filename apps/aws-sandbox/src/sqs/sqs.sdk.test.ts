// SQS through the real @aws-sdk/client-sqs over HTTP: standard and FIFO semantics, visibility,
// long polling, redrive, batches and authorization by identity and queue policies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startSandbox, type Sandbox } from '../sandbox';
import { startTestIssuer, type TestIssuer } from '../testing/test-issuer';
import { assumeTestRole, type TestCredentials } from '../testing/web-identity.helpers';

const A = '111111111111';
const B = '222222222222';

async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the call to fail');
}

describe('SQS through the AWS SDK over HTTP', () => {
  let sandbox: Sandbox;
  let issuer: TestIssuer;
  let admin: SQSClient;
  const clients: SQSClient[] = [];

  const client = (credentials: TestCredentials, region = 'us-east-1') => {
    const c = new SQSClient({ endpoint: sandbox.url, region, credentials, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const create = async (QueueName: string, Attributes: Record<string, string> = {}) =>
    (await admin.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;

  before(async () => {
    issuer = await startTestIssuer();
    sandbox = await startSandbox({
      port: 0,
      scenario: { accounts: [{ id: A }, { id: B }], regions: ['us-east-1', 'eu-west-1'] },
    });
    admin = client(await assumeTestRole(sandbox, issuer, A, 'Admin'));
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await sandbox?.close();
    await issuer?.close();
  });

  it('standard queue: URL on the sandbox origin, send, receive with attributes and MD5, delete', async () => {
    const url = await create('orders');
    assert.equal(url, `${sandbox.url}/${A}/orders`);
    assert.equal((await admin.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl, url);
    const sent = await admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'héllo' }));
    assert.ok(sent.MessageId);
    const got = await admin.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    assert.equal(got.Messages?.length, 1);
    const m = got.Messages![0];
    assert.equal(m.Body, 'héllo');
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Attributes?.ApproximateReceiveCount, '1');
    assert.ok(Math.abs(Number(m.Attributes?.SentTimestamp) - Date.now()) < 5000);
    const attrs = await admin.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(attrs.Attributes?.QueueArn, `arn:aws:sqs:us-east-1:${A}:orders`);
    await admin.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    const after = await admin.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(after.Attributes?.ApproximateNumberOfMessagesNotVisible, '0');
    assert.equal(after.Attributes?.ApproximateNumberOfMessages, '0');
    const listed = await admin.send(new ListQueuesCommand({ QueueNamePrefix: 'ord' }));
    assert.deepEqual(listed.QueueUrls, [url]);
    const missing = await failure(admin.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    assert.equal(missing.name, 'QueueDoesNotExist');
    // The queue lives in its region only.
    const eu = client(await assumeTestRole(sandbox, issuer, A, 'Admin'), 'eu-west-1');
    assert.equal(
      (await failure(eu.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })))).name,
      'QueueDoesNotExist',
    );
  });

  it('FIFO: order within a group, a group with a message in flight delivers nothing, 5-minute dedup', async () => {
    const url = await create('jobs.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const send = (body: string, group: string, dedup?: string) =>
      admin.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: dedup,
        }),
      );
    const a1 = await send('a1', 'a');
    await send('a2', 'a');
    await send('b1', 'b');
    const dup = await send('a1', 'a'); // same body: content-based dedup
    assert.equal(dup.MessageId, a1.MessageId);
    const explicit = await send('other body', 'a', 'dedup-1');
    assert.equal((await send('yet another', 'a', 'dedup-1')).MessageId, explicit.MessageId);
    const first = await admin.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    assert.deepEqual(
      first.Messages?.map((m) => m.Body),
      ['a1'],
    );
    const second = await admin.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      second.Messages?.map((m) => m.Body),
      ['b1'],
      'group a is blocked while a1 is in flight',
    );
    await admin.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0].ReceiptHandle! }),
    );
    const third = await admin.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(
      third.Messages?.map((m) => m.Body),
      ['a2', 'other body'],
    );
    const noGroup = await failure(admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })));
    assert.equal(noGroup.name, 'MissingParameter');
  });

  it('an expired visibility timeout makes the message visible again with a higher receive count', async () => {
    const url = await create('retry', { VisibilityTimeout: '1' });
    await admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const one = await admin.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(one.Messages?.length, 1);
    assert.equal((await admin.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    const started = Date.now();
    const two = await admin.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    assert.equal(two.Messages?.[0]?.Body, 'again');
    assert.equal(two.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
    assert.ok(Date.now() - started < 2500, 'the long poll wakes when the message becomes visible');
    // A stale receipt handle can no longer change visibility.
    const stale = await failure(
      admin.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: one.Messages![0].ReceiptHandle!,
          VisibilityTimeout: 10,
        }),
      ),
    );
    assert.equal(stale.name, 'MessageNotInflight');
  });

  it('a long poll returns as soon as a message is sent', async () => {
    const url = await create('wake');
    const started = Date.now();
    const poll = admin.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    setTimeout(() => void admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' })), 100);
    const got = await poll;
    assert.equal(got.Messages?.[0]?.Body, 'now');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('redrive: after maxReceiveCount receives the message moves to the dead-letter queue', async () => {
    const dlq = await create('poison-dlq');
    const dlqArn = `arn:aws:sqs:us-east-1:${A}:poison-dlq`;
    const url = await create('poison', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
    });
    await admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'not json' }));
    for (let i = 1; i <= 2; i++) {
      const got = await admin.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
      assert.equal(got.Messages?.length, 1, `receive ${i}`);
    }
    assert.equal(
      (await admin.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }))).Messages,
      undefined,
    );
    const dead = await admin.send(
      new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ['All'] }),
    );
    assert.equal(dead.Messages?.[0]?.Body, 'not json');
    assert.equal(
      dead.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn,
      `arn:aws:sqs:us-east-1:${A}:poison`,
    );
    const history = (await (
      await fetch(`${sandbox.url}/_sandbox/sqs/messages?queueUrl=${encodeURIComponent(url)}&region=us-east-1`)
    ).json()) as {
      messages: { body: string; receiveCount: number; state: string }[];
    };
    assert.deepEqual(
      history.messages.map((m) => [m.body, m.receiveCount, m.state]),
      [['not json', 2, 'dead-lettered']],
    );
  });

  it('batches report per-entry failures; an over-limit message is rejected with the real error', async () => {
    const url = await create('small', { MaximumMessageSize: '1024' });
    const out = await admin.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'ok', MessageBody: 'fine' },
          { Id: 'big', MessageBody: 'x'.repeat(2000) },
        ],
      }),
    );
    assert.deepEqual(
      out.Successful?.map((s) => s.Id),
      ['ok'],
    );
    assert.equal(out.Failed?.[0]?.Id, 'big');
    assert.equal(out.Failed?.[0]?.Code, 'InvalidParameterValue');
    assert.equal(out.Failed?.[0]?.SenderFault, true);
    const single = await failure(
      admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(2000) })),
    );
    assert.equal(single.name, 'InvalidParameterValue');
    assert.match(single.message, /Message must be shorter than 1024 bytes/);
    const tooMany = await failure(
      admin.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
        }),
      ),
    );
    assert.equal(tooMany.name, 'TooManyEntriesInBatchRequest');
  });

  it('access needs an identity policy or the queue policy; across accounts both', async () => {
    const url = await create('guarded');
    const arn = `arn:aws:sqs:us-east-1:${A}:guarded`;
    const limited = client(
      await assumeTestRole(sandbox, issuer, A, 'Limited', [
        { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
      ]),
    );
    const denied = await failure(limited.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })));
    assert.equal(denied.name, 'AccessDenied');
    assert.equal(denied.$metadata?.httpStatusCode, 403);
    const other = client(
      await assumeTestRole(sandbox, issuer, B, 'Sender', [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn },
      ]),
    );
    assert.equal(
      (await failure(other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })))).name,
      'QueueDoesNotExist',
    );
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${A}:role/Limited` },
          Action: 'sqs:SendMessage',
          Resource: arn,
        },
        { Effect: 'Allow', Principal: { AWS: B }, Action: 'sqs:SendMessage', Resource: arn },
      ],
    };
    await admin.send(
      new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(policy) } }),
    );
    assert.ok(
      (await limited.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'by policy' }))).MessageId,
    );
    assert.ok(
      (await other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'cross account' }))).MessageId,
    );
    const noIdentity = client(
      await assumeTestRole(sandbox, issuer, B, 'Nobody', [
        { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' },
      ]),
    );
    assert.equal(
      (await failure(noIdentity.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })))).name,
      'AccessDenied',
    );
  });
});
