// The consumer against the sandbox's SQS over HTTP: a message is deleted only after its refreshes
// are enqueued (Mia lost events by deleting first), events outside the connection's accounts and
// regions are ignored, and the lease gives a connection to exactly one worker at a time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  EventConsumer,
  EventLeaseRepository,
  type ConsumedConnection,
  type RefreshEnqueuer,
} from '@tally/events';
import { AwsClients } from '@tally/aws';
import { Metrics } from '@tally/metrics';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { startSandbox, type Sandbox } from '../../apps/aws-sandbox/src/sandbox';
import { startTestIssuer, type TestIssuer } from '../../apps/aws-sandbox/src/testing/test-issuer';
import {
  assumeTestRole,
  type TestCredentials,
} from '../../apps/aws-sandbox/src/testing/web-identity.helpers';

const A = '111111111111';
const B = '222222222222';
const REGION = 'us-east-1';

function lambdaEvent(account: string, region: string, functionName: string) {
  return JSON.stringify({
    version: '0',
    id: `id-${functionName}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account,
    time: new Date().toISOString(),
    region,
    resources: [],
    detail: {
      eventSource: 'lambda.amazonaws.com',
      eventName: 'UpdateFunctionConfiguration20150331v2',
      awsRegion: region,
      eventTime: new Date().toISOString(),
      eventID: `evt-${functionName}`,
      recipientAccountId: account,
      requestParameters: { functionName, memorySize: 256 },
      responseElements: { functionName },
    },
  });
}

describe('EventConsumer and its lease', () => {
  let env: TestEnvironment;
  let sandbox: Sandbox;
  let issuer: TestIssuer;
  let creds: TestCredentials;
  let admin: SQSClient;
  let n = 0;

  before(async () => {
    issuer = await startTestIssuer();
    sandbox = await startSandbox({
      port: 0,
      scenario: { accounts: [{ id: A }, { id: B }], regions: [REGION] },
    });
    env = await createTestEnvironment({ AWS_ENDPOINT_URL_SQS: sandbox.url });
    creds = await assumeTestRole(sandbox, issuer, A, 'Admin');
    admin = new SQSClient({ endpoint: sandbox.url, region: REGION, credentials: creds, maxAttempts: 1 });
  });
  after(async () => {
    admin?.destroy();
    await sandbox?.close();
    await issuer?.close();
    await env?.close();
  });

  async function queueWith(bodies: string[]): Promise<{ name: string; url: string }> {
    const name = `tally-events-test${++n}`;
    const url = (
      await admin.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }))
    ).QueueUrl!;
    for (const body of bodies) await admin.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    return { name, url };
  }
  const connection = (queueName: string): ConsumedConnection => ({
    tenantId: '00000000-0000-4000-8000-000000000001',
    connectionId: '00000000-0000-4000-8000-000000000002',
    homeAccountId: A,
    homeRegion: REGION,
    queueName,
    accountIds: new Set([A]),
    regions: new Set([REGION]),
    resourceTypes: new Set(['AWS::Lambda::Function']),
  });
  const consumer = (enqueue: RefreshEnqueuer) =>
    new EventConsumer(
      new AwsClients(env.config, new Metrics({ defaultMetrics: false })),
      async () => creds,
      enqueue,
      {
        waitSeconds: 0,
        maxMessages: 10,
        visibilityTimeoutSeconds: 1,
      },
    );
  const counts = (name: string) => {
    const q = sandbox.sqs.get(A, REGION, name)!;
    return q.counts();
  };

  it('a message is deleted only after its refreshes are enqueued: a failed enqueue (crash) loses nothing (Mia)', async () => {
    const { name } = await queueWith([lambdaEvent(A, REGION, 'resize')]);
    const failing = consumer(async () => {
      throw new Error('redis is down');
    });
    await assert.rejects(failing.pollOnce(connection(name)), /redis is down/);
    failing.destroy();
    const stuck = counts(name);
    assert.equal(stuck.visible + stuck.inFlight, 1, 'the message is still in the queue');
    // Once it is visible again, a healthy consumer enqueues and only then deletes it.
    const enqueued: unknown[] = [];
    const healthy = consumer(async (jobs) => {
      assert.equal(counts(name).inFlight, 1, 'not deleted before the enqueue resolved');
      enqueued.push(...jobs);
    });
    let outcome;
    for (let i = 0; i < 30 && !outcome?.deleted; i++) {
      outcome = await healthy.pollOnce(connection(name));
      if (!outcome.deleted) await new Promise((r) => setTimeout(r, 100));
    }
    healthy.destroy();
    assert.equal(outcome?.deleted, 1);
    assert.deepEqual(
      enqueued.map((j) => (j as { identifier: string }).identifier),
      ['resize'],
    );
    const done = counts(name);
    assert.equal(done.visible + done.inFlight, 0);
  });

  it('events for another account or a region the connection does not cover are ignored (and removed)', async () => {
    const { name } = await queueWith([
      lambdaEvent(B, REGION, 'other-account'),
      lambdaEvent(A, 'eu-west-1', 'other-region'),
      lambdaEvent(A, REGION, 'covered'),
    ]);
    const jobs: { identifier: string; accountId: string }[] = [];
    const c = consumer(async (batch) => void jobs.push(...batch));
    let total = { received: 0, ignored: 0, deleted: 0 };
    for (let i = 0; i < 10 && total.deleted < 3; i++) {
      const o = await c.pollOnce(connection(name));
      total = {
        received: total.received + o.received,
        ignored: total.ignored + o.ignored,
        deleted: total.deleted + o.deleted,
      };
    }
    c.destroy();
    assert.deepEqual(total, { received: 3, ignored: 2, deleted: 3 });
    assert.deepEqual(
      jobs.map((j) => j.identifier),
      ['covered'],
    );
  });

  it('the lease: one owner per connection; another takes over only after expiry or release', async () => {
    const leases = new EventLeaseRepository(env.prisma);
    const tenantId = (await createTenant(env.prisma)).id;
    const live = await createConnection(env.prisma, tenantId, { status: 'active' });
    const off = await createConnection(env.prisma, tenantId, { status: 'active', liveEvents: false });
    const [w1, w2] = await Promise.all([leases.claim('w1', 60_000, 100), leases.claim('w2', 60_000, 100)]);
    const mine = (l: { connectionId: string }[]) => l.filter((s) => s.connectionId === live.id).length;
    assert.equal(mine(w1) + mine(w2), 1, 'exactly one worker holds it');
    assert.ok(![...w1, ...w2].some((s) => s.connectionId === off.id), 'live events off: nobody consumes');
    const [holder, other] = mine(w1) ? ['w1', 'w2'] : ['w2', 'w1'];
    assert.equal(mine(await leases.claim(other, 60_000, 100)), 0);
    assert.ok((await leases.renew(holder, [live.id], 60_000)).has(live.id));
    assert.equal((await leases.renew(other, [live.id], 60_000)).size, 0, 'only the holder renews');
    // The holder dies: its lease lapses, and the other worker takes over.
    await env.prisma.liveEventStream.update({
      where: { connectionId: live.id },
      data: { leaseUntil: new Date(Date.now() - 1) },
    });
    assert.equal(mine(await leases.claim(other, 60_000, 100)), 1);
    assert.equal((await leases.renew(holder, [live.id], 60_000)).size, 0, 'the old holder must stop');
    // Turning live events off stops the consumer at its next renewal.
    await env.prisma.connection.update({ where: { id: live.id }, data: { liveEvents: false } });
    assert.equal((await leases.renew(other, [live.id], 60_000)).size, 0);
  });
});
