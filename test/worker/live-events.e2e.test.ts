// Live events end to end: the onboarding template (with EnableLiveEvents and CreateTrail) deployed
// into the sandbox, resource mutations through its control endpoints emitting CloudTrail-shaped
// events, EventBridge routing them to the connection's queue, and the real worker consuming them
// (leased consumer, refresh jobs, GetResource) until the inventory shows each change.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { AwsCredentialsService, LiveEventsCoverageVerifier } from '@tally/aws';
import { liveEventsTarget } from '@tally/events';
import { Metrics, sampleValue } from '@tally/metrics';
import { onboardingFor, renderForwarderTemplate, renderTemplate } from '@tally/onboarding';
import { startSyncHarness, type SyncHarness } from '../support/sync.harness';

const A = '111111111111';
const REGION = 'us-east-1';
const OTHER_REGION = 'eu-west-1';

const scenario = {
  seed: 'live-events-e2e',
  accounts: [{ id: A }],
  regions: [REGION, OTHER_REGION],
  resources: {
    perAccountRegion: {
      'AWS::S3::Bucket': 2,
      'AWS::EC2::Instance': 2,
      'AWS::Lambda::Function': 2,
    },
  },
};

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('live events against the sandbox', () => {
  let h: SyncHarness;
  let queueUrl: string;

  const resource = (type: string, identifier: string) =>
    h.env.prisma.resource.findFirst({
      where: { tenantId: h.tenantId, type, identifier },
      include: { changes: { orderBy: { at: 'asc' } } },
    });
  /** GetResource calls the sandbox answered after call `since` (its log names no identifier). */
  const getResourceCalls = async (since = 0) => {
    const { calls, lastSeq } = await h.control<{ calls: unknown[]; lastSeq: number }>(
      'GET',
      `/_sandbox/calls?service=cloudcontrolapi&operation=GetResource&since=${since}`,
    );
    return { count: calls.length, lastSeq };
  };
  const queueMessages = () =>
    h.control<{ messages: { state: string; receiveCount: number; body: string }[] }>(
      'GET',
      `/_sandbox/sqs/messages?queueUrl=${encodeURIComponent(queueUrl)}&region=${REGION}`,
    );

  before(async () => {
    h = await startSyncHarness({
      scenario,
      mode: 'account',
      accountId: A,
      regions: [REGION, OTHER_REGION],
      worker: false,
      env: {
        LIVE_EVENTS_ENABLED: 'true',
        LIVE_EVENTS_WAIT_SECONDS: '1',
        LIVE_EVENTS_LEASE_MS: '3000',
        LIVE_EVENTS_DEBOUNCE_MS: '1000',
      },
    });
    const onboarding = onboardingFor(h.connection, h.env.config);
    const deployed = await h.control<{ outputs: Record<string, string> }>('POST', '/_sandbox/stacks', {
      accountId: A,
      stackName: onboarding.stackName,
      templateBody: renderTemplate('account'),
      parameters: onboarding.parameters,
    });
    // A logging trail (the template's CreateTrail needs an S3 bucket, which the sandbox does not model).
    await h.control('POST', '/_sandbox/stacks', {
      accountId: A,
      stackName: 'trail',
      templateBody: JSON.stringify({
        Resources: {
          Trail: {
            Type: 'AWS::CloudTrail::Trail',
            Properties: {
              TrailName: 'org-trail',
              S3BucketName: 'trail-logs',
              IsLogging: true,
              IsMultiRegionTrail: true,
            },
          },
        },
      }),
    });
    queueUrl = deployed.outputs.EventsQueueUrl;
    assert.match(queueUrl, /tally-events-[0-9a-f]{8}$/);
    await h.startWorker();
    const run = await h.sync();
    assert.equal(run.status, 'succeeded');
  });
  after(() => h?.close());

  it('a created Lambda function appears within seconds, recorded as an event change', async () => {
    await h.control('POST', '/_sandbox/resources', {
      accountId: A,
      region: REGION,
      type: 'AWS::Lambda::Function',
      identifier: 'live-created',
    });
    const fn = await eventually(
      'the created function',
      async () => (await resource('AWS::Lambda::Function', 'live-created')) ?? undefined,
    );
    assert.equal(fn.deletedAt, null);
    assert.deepEqual(
      fn.changes.map((c) => [c.kind, c.source]),
      [['created', 'event']],
    );
    assert.ok(fn.changes[0].eventId, 'the change names the CloudTrail event');
    const stream = await h.env.prisma.liveEventStream.findUniqueOrThrow({
      where: { connectionId: h.connection.id },
    });
    assert.ok(stream.received >= 1n && stream.refreshes >= 1n);
    assert.ok(stream.leaseOwner, 'one worker holds the lease');
    const exposition = await h.worker!.app.get(Metrics).registry.metrics();
    assert.ok(sampleValue(exposition, 'tally_live_events_total', { outcome: 'received' }) >= 1);
    assert.ok(sampleValue(exposition, 'tally_live_event_refreshes_total', { outcome: 'created' }) >= 1);
    assert.ok(sampleValue(exposition, 'tally_live_event_lag_seconds_count') >= 1);
  });

  it('a deleted function is marked deleted; a failed DeleteBucket deletes nothing (errorCode)', async () => {
    const [bucket] = await h.env.prisma.resource.findMany({
      where: { tenantId: h.tenantId, type: 'AWS::S3::Bucket', deletedAt: null },
    });
    await h.control('DELETE', '/_sandbox/resources', {
      accountId: A,
      region: bucket.region,
      type: 'AWS::S3::Bucket',
      identifier: bucket.identifier,
      event: { errorCode: 'BucketNotEmpty', errorMessage: 'The bucket you tried to delete is not empty' },
    });
    await h.control('DELETE', '/_sandbox/resources', {
      accountId: A,
      region: REGION,
      type: 'AWS::Lambda::Function',
      identifier: 'live-created',
    });
    const gone = await eventually('the deleted function', async () => {
      const r = await resource('AWS::Lambda::Function', 'live-created');
      return r?.deletedAt ? r : undefined;
    });
    assert.deepEqual(gone.changes.at(-1)?.kind, 'deleted');
    assert.equal(gone.changes.at(-1)?.source, 'event');
    const stillThere = await resource('AWS::S3::Bucket', bucket.identifier);
    assert.equal(stillThere?.deletedAt, null, 'a failed DeleteBucket never deletes the record');
    assert.ok(!stillThere?.changes.some((c) => c.source === 'event'), 'a failed call is not even refreshed');
  });

  it('a burst of 10 events for one instance is one GetResource', async () => {
    const [instance] = await h.env.prisma.resource.findMany({
      where: { tenantId: h.tenantId, type: 'AWS::EC2::Instance', region: REGION, deletedAt: null },
    });
    const { lastSeq } = await getResourceCalls();
    // Ten changes at once (as a script or an autoscaler makes them), well inside the 1 s debounce.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.control('PATCH', '/_sandbox/resources', {
          accountId: A,
          region: REGION,
          type: 'AWS::EC2::Instance',
          identifier: instance.identifier,
          tags: { burst: String(i) },
        }),
      ),
    );
    const updated = await eventually('the burst refreshed', async () => {
      const r = await resource('AWS::EC2::Instance', instance.identifier);
      return (r?.tags as Record<string, string>)?.burst !== undefined ? r : undefined;
    });
    assert.ok(updated?.changes.some((c) => c.source === 'event'));
    await sleep(1000);
    const truth = (await h.truth()).find((r) => r.identifier === instance.identifier)!;
    const finalTag = (truth.properties.Tags as { Key: string; Value: string }[]).find(
      (t) => t.Key === 'burst',
    );
    const stored = await resource('AWS::EC2::Instance', instance.identifier);
    assert.equal(
      (stored?.tags as Record<string, string>).burst,
      finalTag?.Value,
      'the last change is stored',
    );
    const calls = (await getResourceCalls(lastSeq)).count;
    assert.ok(calls >= 1 && calls <= 2, `${calls} GetResource calls for 10 events`);
  });

  it('noise: EKS CreateCluster creates no ECS cluster; unknown aws.ec2 calls are counted as ignored', async () => {
    const ignoredBefore = (
      await h.env.prisma.liveEventStream.findUniqueOrThrow({ where: { connectionId: h.connection.id } })
    ).ignored;
    await h.control('POST', '/_sandbox/events/noise', {
      accountId: A,
      region: REGION,
      kind: 'eks-create-cluster',
      count: 2,
    });
    await h.control('POST', '/_sandbox/events/noise', {
      accountId: A,
      region: REGION,
      kind: 'ec2-describe-instances',
      count: 3,
    });
    await eventually('the noise counted', async () => {
      const s = await h.env.prisma.liveEventStream.findUniqueOrThrow({
        where: { connectionId: h.connection.id },
      });
      return s.ignored >= ignoredBefore + 3n ? s : undefined;
    });
    assert.equal(
      await h.env.prisma.resource.count({ where: { tenantId: h.tenantId, type: 'AWS::ECS::Cluster' } }),
      0,
    );
  });

  it('a message that is not an event is left for the redrive (counted), and the consumer keeps going', async () => {
    const queue = h.sandbox.sqs.byUrl(queueUrl, REGION);
    queue.send({ body: 'this is not an event', senderId: 'test' } as never);
    await eventually('the malformed message counted', async () => {
      const s = await h.env.prisma.liveEventStream.findUniqueOrThrow({
        where: { connectionId: h.connection.id },
      });
      return s.malformed >= 1n ? s : undefined;
    });
    const { messages } = await queueMessages();
    const poison = messages.find((m) => m.body === 'this is not an event');
    assert.ok(poison && poison.state !== 'deleted', 'never deleted by the consumer');
    // The consumer still processes real events after it.
    await h.control('POST', '/_sandbox/resources', {
      accountId: A,
      region: REGION,
      type: 'AWS::Lambda::Function',
      identifier: 'after-poison',
    });
    await eventually(
      'an event after the poison',
      async () => (await resource('AWS::Lambda::Function', 'after-poison')) ?? undefined,
    );
  });

  it('verification reports coverage per (account, region), each gap with its fix, and sees a deployed forwarder', async () => {
    const onboarding = onboardingFor(h.connection, h.env.config);
    const verifier = new LiveEventsCoverageVerifier(h.env.config, h.worker!.app.get(AwsCredentialsService));
    const target = liveEventsTarget(h.connection, [], h.env.config);
    const before = await verifier.check(target);
    const cell = (c: typeof before, region: string) => c.cells.find((x) => x.region === region)!;
    assert.equal(before.covered, false);
    assert.ok(cell(before, REGION).covered, JSON.stringify(cell(before, REGION)));
    assert.deepEqual(
      cell(before, REGION).checks.map((c) => c.name),
      ['queue', 'rule', 'trail'],
    );
    const gap = cell(before, OTHER_REGION).checks.find((c) => !c.ok)!;
    assert.equal(gap.name, 'rule');
    assert.match(gap.remediation!, /--region eu-west-1 .*tally-events-forwarder\.yaml/s);
    assert.ok(
      cell(before, OTHER_REGION).checks.find((c) => c.name === 'trail')!.ok,
      'the trail is multi-region',
    );

    // The customer runs the fix: the forwarder in eu-west-1; now it is covered, and its events arrive.
    await h.control('POST', '/_sandbox/stacks', {
      accountId: A,
      region: OTHER_REGION,
      stackName: 'tally-forwarder',
      templateBody: renderForwarderTemplate(),
      parameters: { Subject: onboarding.parameters.Subject, HomeAccountId: A, HomeRegion: REGION },
    });
    const after = await verifier.check(target);
    assert.equal(after.covered, true, JSON.stringify(after.cells));
    await h.control('POST', '/_sandbox/resources', {
      accountId: A,
      region: OTHER_REGION,
      type: 'AWS::Lambda::Function',
      identifier: 'forwarded',
    });
    const fn = await eventually(
      'the forwarded event',
      async () => (await resource('AWS::Lambda::Function', 'forwarded')) ?? undefined,
    );
    assert.equal(fn.region, OTHER_REGION);
    assert.equal(fn.changes[0]?.source, 'event');
  });
});
