// The sync end to end: the real worker (BullMQ in-process) against the sandbox over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  diffInventories,
  expectedInventory,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync.harness';
import type { TruthResource } from '../../apps/aws-sandbox/src/cloud/control/truth';

const MGMT = '111111111111';
const WORK = '222222222222';
const SUSPENDED = '333333333333';
const NEWCOMER = '444444444444';
const REGIONS = ['us-east-1', 'eu-west-1'];

const scenario = {
  seed: 'sync-e2e',
  organization: {
    managementAccountId: MGMT,
    accounts: [
      { id: MGMT, name: 'management', email: 'mgmt@example.com' },
      { id: WORK, name: 'workloads', email: 'workloads@example.com' },
      { id: SUSPENDED, name: 'sunset', email: 'sunset@example.com', status: 'SUSPENDED' },
    ],
  },
  regions: REGIONS,
  resources: {
    perAccountRegion: {
      'AWS::S3::Bucket': 3,
      'AWS::ECS::Cluster': 2,
      'AWS::EC2::Instance': 9,
      'AWS::Lambda::Function': 6,
      'AWS::RDS::DBInstance': 2,
    },
  },
  paging: { maxPageSize: 4, emptyPageRate: 0.25 },
  unsupported: [{ type: 'AWS::ECS::Cluster', region: 'eu-west-1' }],
};

describe('sync against the sandbox (organization)', () => {
  let h: SyncHarness;

  /** What the inventory must hold: live org members that are ACTIVE, minus unsupported cells. */
  async function expected(): Promise<Map<string, string>> {
    const { accounts } = await h.control<{
      accounts: { id: string; status: string; inOrganization: boolean }[];
    }>('GET', '/_sandbox/accounts');
    const active = new Set(
      accounts.filter((a) => a.inOrganization && a.status === 'ACTIVE').map((a) => a.id),
    );
    const truth = await h.truth();
    return expectedInventory(
      truth,
      (r: TruthResource) =>
        active.has(r.accountId) && !(r.type === 'AWS::ECS::Cluster' && r.region === 'eu-west-1'),
    );
  }

  async function assertMatchesTruth() {
    const actual = await h.inventory();
    actual.delete(`${SUSPENDED}|us-east-1|AWS::Lambda::Function|old-function`); // seeded, checked on its own
    const diff = diffInventories(actual, await expected());
    assert.deepEqual(diff.counts, [0, 0, 0], JSON.stringify(diff));
  }

  const changesOf = (runId: string) =>
    h.env.prisma.resourceChange.findMany({ where: { runId }, include: { resource: true } });

  before(async () => {
    h = await startSyncHarness({ scenario, mode: 'organization', accountId: MGMT, regions: REGIONS });
    h.onboard([MGMT, WORK, SUSPENDED, NEWCOMER]);
    // A resource of the suspended account from an earlier life: it must stay untouched.
    await h.env.prisma.resource.create({
      data: {
        tenantId: h.tenantId,
        connectionId: h.connection.id,
        accountId: SUSPENDED,
        region: 'us-east-1',
        type: 'AWS::Lambda::Function',
        identifier: 'old-function',
        properties: { FunctionName: 'old-function' },
        propertiesHash: '0'.repeat(64),
      },
    });
  });
  after(() => h?.close());

  it('first sync equals the truth: S3 once per account under each bucket its own region, suspended skipped, unsupported recorded', async () => {
    const started = Date.now();
    const run = await h.sync();
    const ms = Date.now() - started;
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    await assertMatchesTruth();
    const tasks = await h.env.prisma.syncTask.findMany({ where: { runId: run.id } });
    // 2 active accounts x (S3 once + 4 regional types x 2 regions)
    assert.equal(tasks.length, 2 * (1 + 4 * 2));
    assert.equal(run.tasksTotal, tasks.length);
    assert.equal(run.tasksDone, tasks.length);
    assert.ok(!tasks.some((t) => t.accountId === SUSPENDED));
    const s3 = tasks.filter((t) => t.resourceType === 'AWS::S3::Bucket');
    assert.deepEqual(
      s3.map((t) => t.region),
      ['us-east-1', 'us-east-1'],
    );
    const unsupported = tasks.filter((t) => t.status === 'unsupported');
    assert.deepEqual(unsupported.map((t) => `${t.resourceType} ${t.region}`).sort(), [
      'AWS::ECS::Cluster eu-west-1',
      'AWS::ECS::Cluster eu-west-1',
    ]);
    assert.equal(tasks.filter((t) => t.status === 'succeeded').length, tasks.length - 2);
    const buckets = await h.env.prisma.resource.findMany({
      where: { tenantId: h.tenantId, type: 'AWS::S3::Bucket', deletedAt: null },
    });
    assert.equal(buckets.length, 2 * 2 * 3);
    assert.ok(
      buckets.every((b) =>
        (b.properties as { RegionalDomainName: string }).RegionalDomainName.includes(`.s3.${b.region}.`),
      ),
    );
    assert.equal(buckets.filter((b) => b.region === 'eu-west-1').length, 6);
    // Derived fields.
    const ec2 = await h.env.prisma.resource.findFirstOrThrow({
      where: { tenantId: h.tenantId, type: 'AWS::EC2::Instance' },
    });
    assert.match(ec2.arn!, new RegExp(`^arn:aws:ec2:${ec2.region}:${ec2.accountId}:instance/i-`));
    const rels = ec2.relationships as { type: string; target: string }[];
    assert.ok(
      rels.some((r) => r.type === 'AWS::EC2::VPC'),
      JSON.stringify(rels),
    );
    assert.ok(rels.some((r) => r.type === 'AWS::EC2::Subnet'));
    const tagged = await h.env.prisma.resource.findMany({
      where: { tenantId: h.tenantId, NOT: { tags: { equals: {} } } },
      take: 5,
    });
    assert.ok(tagged.length > 0);
    for (const r of tagged) {
      const tags = (r.properties as { Tags?: { Key: string; Value: string }[] }).Tags ?? [];
      assert.deepEqual(r.tags, Object.fromEntries(tags.map((t) => [t.Key, t.Value])));
    }
    // Every resource was created once, in this run.
    // Organization accounts are resources too, written by planning (not counted by the tasks).
    const ACCOUNT = 'AWS::Organizations::Account';
    const live = await h.env.prisma.resource.count({
      where: { tenantId: h.tenantId, deletedAt: null, type: { not: ACCOUNT } },
    });
    assert.equal(run.created, live - 1);
    const created = (await changesOf(run.id)).filter((c) => c.kind === 'created');
    assert.equal(created.filter((c) => c.resource.type !== ACCOUNT).length, live - 1);
    // One `created` per organization account (management, workloads, sunset).
    assert.equal(created.filter((c) => c.resource.type === ACCOUNT).length, 3);
    const connection = await h.env.prisma.connection.findUniqueOrThrow({ where: { id: h.connection.id } });
    assert.ok(connection.lastSyncAt);
    const accounts = await h.env.prisma.account.findMany({
      where: { connectionId: h.connection.id },
      orderBy: { accountId: 'asc' },
    });
    assert.deepEqual(
      accounts.map((a) => [a.accountId, a.status]),
      [
        [MGMT, 'active'],
        [WORK, 'active'],
        [SUSPENDED, 'suspended'],
      ],
    );
    const old = await h.env.prisma.resource.findFirstOrThrow({
      where: { tenantId: h.tenantId, identifier: 'old-function' },
    });
    assert.equal(old.deletedAt, null);
    console.log(
      `# first sync: ${live - 1} resources, ${run.apiCalls} AWS calls (${(run.apiCalls / (live - 1)).toFixed(2)}/resource), ${ms} ms`,
    );
  });

  it('after creates, updates and deletes the next sync matches again with the right change rows', async () => {
    const truth = await h.truth();
    const pick = (type: string, account: string, region?: string) =>
      truth.find((r) => r.type === type && r.accountId === account && (!region || r.region === region))!;
    const ec2 = pick('AWS::EC2::Instance', MGMT, 'eu-west-1');
    const bucket = truth.find(
      (r) => r.type === 'AWS::S3::Bucket' && r.accountId === MGMT && r.region === 'eu-west-1',
    )!;
    const db = pick('AWS::RDS::DBInstance', WORK, 'us-east-1');
    const created = await h.control<{ identifier: string }>('POST', '/_sandbox/resources', {
      accountId: WORK,
      region: 'us-east-1',
      type: 'AWS::Lambda::Function',
    });
    await h.control('PATCH', '/_sandbox/resources', {
      ...ref(ec2),
      tags: [{ Key: 'team', Value: 'sync-e2e' }],
    });
    await h.control('DELETE', '/_sandbox/resources', ref(bucket));
    await h.control('DELETE', '/_sandbox/resources', ref(db));

    const run = await h.sync();
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    await assertMatchesTruth();
    const changes = await changesOf(run.id);
    const summary = changes
      .map((c) => `${c.kind} ${c.resource.type} ${c.resource.identifier} [${c.changedFields.join(',')}]`)
      .sort();
    assert.deepEqual(summary, [
      `created AWS::Lambda::Function ${created.identifier} []`,
      `deleted AWS::RDS::DBInstance ${db.identifier} []`,
      `deleted AWS::S3::Bucket ${bucket.identifier} []`,
      `updated AWS::EC2::Instance ${ec2.identifier} [Tags]`,
    ]);
    assert.deepEqual([run.created, run.updated, run.deleted], [1, 1, 2]);
    const updated = await h.env.prisma.resource.findFirstOrThrow({
      where: { tenantId: h.tenantId, identifier: ec2.identifier },
    });
    assert.deepEqual(updated.tags, { team: 'sync-e2e' });
  });

  it('a denied type ends the run partial, with a customer error, and deletes nothing there', async () => {
    await h.control('POST', '/_sandbox/faults', {
      denied: [{ accountId: WORK, type: 'AWS::RDS::DBInstance' }],
    });
    const rds = (await h.truth()).find((r) => r.type === 'AWS::RDS::DBInstance' && r.accountId === WORK)!;
    await h.control('DELETE', '/_sandbox/resources', ref(rds));
    const liveBefore = await h.env.prisma.resource.count({
      where: { tenantId: h.tenantId, accountId: WORK, type: 'AWS::RDS::DBInstance', deletedAt: null },
    });

    const run = await h.sync();
    assert.equal(run.status, 'partial');
    assert.equal(run.tasksFailed, 2);
    assert.equal(run.errorKind, 'customer');
    assert.match(run.errorMessage!, /2 of 18 tasks failed/);
    const denied = await h.env.prisma.syncTask.findMany({ where: { runId: run.id, status: 'denied' } });
    assert.equal(denied.length, 2);
    assert.ok(
      denied.every(
        (t) =>
          t.accountId === WORK && t.resourceType === 'AWS::RDS::DBInstance' && t.errorKind === 'customer',
      ),
    );
    assert.equal(denied[0].errorCode, 'AccessDeniedException');
    assert.match(denied[0].errorMessage!, /CloudFormation stack/);
    const liveAfter = await h.env.prisma.resource.count({
      where: { tenantId: h.tenantId, accountId: WORK, type: 'AWS::RDS::DBInstance', deletedAt: null },
    });
    assert.equal(liveAfter, liveBefore);
    assert.equal(run.deleted, 0);
    await h.control('POST', '/_sandbox/faults', { denied: [] });
  });

  it('a new organization account is picked up; an account that left has its resources deleted', async () => {
    await h.control('POST', '/_sandbox/accounts', { id: NEWCOMER, name: 'newcomer' });
    await h.control('PATCH', '/_sandbox/accounts', { id: WORK, remove: true });
    const run = await h.sync();
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    await assertMatchesTruth();
    assert.ok(
      (await h.env.prisma.resource.count({
        where: { tenantId: h.tenantId, accountId: NEWCOMER, deletedAt: null },
      })) > 0,
    );
    assert.equal(
      await h.env.prisma.resource.count({
        where: { tenantId: h.tenantId, accountId: WORK, deletedAt: null },
      }),
      0,
    );
    const left = await h.env.prisma.account.findFirstOrThrow({
      where: { connectionId: h.connection.id, accountId: WORK },
    });
    assert.equal(left.status, 'left');
    const old = await h.env.prisma.resource.findFirstOrThrow({
      where: { tenantId: h.tenantId, identifier: 'old-function' },
    });
    assert.equal(old.deletedAt, null, 'the suspended account keeps its data');
  });

  it('organization accounts flow through the change feed as AWS::Organizations::Account: joined, suspended, left', async () => {
    const ACCOUNT = 'AWS::Organizations::Account';
    const accountChanges = (runId: string) =>
      h.env.prisma.resourceChange.findMany({
        where: { runId, resource: { type: ACCOUNT } },
        include: { resource: true },
      });
    const live = await h.env.prisma.resource.findMany({
      where: { tenantId: h.tenantId, type: ACCOUNT, deletedAt: null },
    });
    // management, sunset (suspended) and the newcomer; workloads left.
    assert.deepEqual(live.map((r) => r.accountId).sort(), [MGMT, SUSPENDED, NEWCOMER].sort());
    const newcomer = live.find((r) => r.accountId === NEWCOMER)!;
    assert.equal(newcomer.region, 'global');
    assert.equal(newcomer.identifier, NEWCOMER);
    const props = newcomer.properties as Record<string, unknown>;
    assert.deepEqual(Object.keys(props).sort(), [
      'Arn',
      'Email',
      'Id',
      'JoinedMethod',
      'JoinedTimestamp',
      'Name',
      'Status',
    ]);
    assert.equal(props.Id, NEWCOMER);
    assert.equal(props.Status, 'ACTIVE');
    assert.match(String(props.JoinedTimestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    assert.equal(
      (live.find((r) => r.accountId === SUSPENDED)!.properties as Record<string, unknown>).Status,
      'SUSPENDED',
    );
    const gone = await h.env.prisma.resource.findFirstOrThrow({
      where: { tenantId: h.tenantId, type: ACCOUNT, accountId: WORK },
    });
    assert.notEqual(gone.deletedAt, null, 'an account that left is deleted');

    // Suspending the newcomer: one `updated` change of its account resource, naming Status.
    await h.control('PATCH', '/_sandbox/accounts', { id: NEWCOMER, status: 'SUSPENDED' });
    const run = await h.sync();
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    const changes = await accountChanges(run.id);
    assert.deepEqual(
      changes.map((c) => [c.resource.accountId, c.kind, c.changedFields]),
      [[NEWCOMER, 'updated', ['Status']]],
    );
    // A type filter sees only its type (what inventory filters and destination filters use).
    const buckets = await h.env.prisma.resource.findMany({
      where: { tenantId: h.tenantId, type: 'AWS::S3::Bucket' },
      select: { type: true },
    });
    assert.ok(buckets.length > 0 && buckets.every((b) => b.type === 'AWS::S3::Bucket'));
  });
});

function ref(r: TruthResource) {
  return { accountId: r.accountId, region: r.region, type: r.type, identifier: r.identifier };
}
