import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalizeResource, getResourceType, type NormalizedResource } from '@tally/aws';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { ResourceIngestRepository, type IngestScope } from './resource-ingest.repository';
import { propertiesHash } from './properties-hash';

const LAMBDA = getResourceType('AWS::Lambda::Function');

function fn(name: string, extra: Record<string, unknown> = {}, region = 'us-east-1'): NormalizedResource {
  return normalizeResource(LAMBDA, {
    identifier: name,
    accountId: '111111111111',
    region,
    properties: { FunctionName: name, Runtime: 'nodejs20.x', MemorySize: 128, ...extra },
  });
}

describe('ResourceIngestRepository', () => {
  let env: TestEnvironment;
  let repo: ResourceIngestRepository;
  let tenantId: string;
  let connectionId: string;
  const runs: string[] = [];

  async function newRun(): Promise<string> {
    const run = await env.prisma.syncRun.create({ data: { tenantId, connectionId, trigger: 'manual' } });
    runs.push(run.id);
    return run.id;
  }
  const scope = (runId: string, extra: Partial<IngestScope> = {}): IngestScope => ({
    tenantId,
    connectionId,
    accountId: '111111111111',
    type: LAMBDA.type,
    runId,
    ...extra,
  });
  const sweepScope = (runId: string, since: Date, region: string | null = 'us-east-1') => ({
    tenantId,
    connectionId,
    accountId: '111111111111',
    type: LAMBDA.type,
    region,
    runId,
    since,
  });
  const changesOf = (runId: string) =>
    env.prisma.resourceChange.findMany({
      where: { runId },
      include: { resource: true },
      orderBy: { at: 'asc' },
    });

  before(async () => {
    env = await createTestEnvironment();
    repo = new ResourceIngestRepository(env.prisma);
    const tenant = await createTenant(env.prisma);
    tenantId = tenant.id;
    connectionId = (await createConnection(env.prisma, tenantId, { accountId: '111111111111' })).id;
  });
  after(() => env.close());

  it('creates new resources with derived fields and a created change each', async () => {
    const runId = await newRun();
    const counts = await repo.upsertPage(scope(runId), [
      fn('a', { Tags: [{ Key: 'env', Value: 'prod' }], Role: 'arn:aws:iam::111111111111:role/r' }),
      fn('b'),
    ]);
    assert.deepEqual(counts, { seen: 2, created: 2, updated: 0 });
    const a = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'a' } });
    assert.equal(a.arn, 'arn:aws:lambda:us-east-1:111111111111:function:a');
    assert.equal(a.name, 'a');
    assert.deepEqual(a.tags, { env: 'prod' });
    assert.deepEqual(a.relationships, [
      { type: 'AWS::IAM::Role', target: 'arn:aws:iam::111111111111:role/r' },
    ]);
    assert.equal(a.propertiesHash, propertiesHash(a.properties as Record<string, unknown>));
    assert.equal(a.lastRunId, runId);
    const changes = await changesOf(runId);
    assert.deepEqual(changes.map((c) => [c.kind, c.resource.identifier]).sort(), [
      ['created', 'a'],
      ['created', 'b'],
    ]);
  });

  it('updates only changed resources, naming the changed top-level keys, and bumps the unchanged ones', async () => {
    const before = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'b' } });
    const runId = await newRun();
    // Same properties for b in another key order: unchanged. a: MemorySize changed, Tags removed, Timeout added.
    const b = fn('b');
    b.properties = { MemorySize: 128, Runtime: 'nodejs20.x', FunctionName: 'b' };
    const counts = await repo.upsertPage(scope(runId), [fn('a', { MemorySize: 256, Timeout: 3 }), b]);
    assert.deepEqual(counts, { seen: 2, created: 0, updated: 1 });
    const changes = await changesOf(runId);
    assert.equal(changes.length, 1);
    assert.equal(changes[0].kind, 'updated');
    assert.equal(changes[0].resource.identifier, 'a');
    assert.deepEqual(changes[0].changedFields, ['MemorySize', 'Role', 'Tags', 'Timeout']);
    const a = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'a' } });
    assert.deepEqual(a.tags, {});
    assert.equal((a.properties as { MemorySize: number }).MemorySize, 256);
    const bAfter = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'b' } });
    assert.equal(bAfter.lastRunId, runId);
    assert.ok(bAfter.lastSeenAt >= before.lastSeenAt);
    assert.deepEqual(bAfter.updatedAt, before.updatedAt);
  });

  it('moves the task counters in the same statement and tolerates a page listing one item twice', async () => {
    const runId = await newRun();
    const task = await env.prisma.syncTask.create({
      data: { tenantId, runId, accountId: '111111111111', region: 'us-east-1', resourceType: LAMBDA.type },
    });
    const counts = await repo.upsertPage(scope(runId, { taskId: task.id, apiCalls: 3 }), [
      fn('c'),
      fn('c'),
      fn('a', { MemorySize: 256, Timeout: 3 }),
    ]);
    assert.deepEqual(counts, { seen: 2, created: 1, updated: 0 });
    await repo.upsertPage(scope(runId, { taskId: task.id, apiCalls: 1 }), []);
    const t = await env.prisma.syncTask.findUniqueOrThrow({ where: { id: task.id } });
    assert.deepEqual([t.pages, t.resourcesSeen, t.created, t.updated, t.apiCalls], [2, 2, 1, 0, 4]);
  });

  it('sweeps only what the listing did not see, in the task scope, with deleted changes', async () => {
    const other = await newRun();
    await repo.upsertPage(scope(other), [fn('west', {}, 'eu-west-1')]);
    const runId = await newRun();
    const since = await repo.now();
    await repo.upsertPage(scope(runId), [fn('a', { MemorySize: 256, Timeout: 3 }), fn('c')]);
    const deleted = await repo.sweep(sweepScope(runId, since));
    assert.equal(deleted, 1); // b; eu-west-1 is another task's region
    const b = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'b' } });
    assert.ok(b.deletedAt);
    const west = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'west' } });
    assert.equal(west.deletedAt, null);
    const changes = await changesOf(runId);
    assert.deepEqual(
      changes.map((c) => [c.kind, c.resource.identifier]),
      [['deleted', 'b']],
    );
    // A second sweep of the same run is a no-op (idempotent retry).
    assert.equal(await repo.sweep(sweepScope(runId, since)), 0);
  });

  it('a retried attempt sweeps what only the failed attempt saw; a null region sweeps every region', async () => {
    const runId = await newRun();
    await repo.upsertPage(scope(runId), [
      fn('a', { MemorySize: 256, Timeout: 3 }),
      fn('c'),
      fn('west', {}, 'eu-west-1'),
    ]);
    const retrySince = await repo.now();
    await new Promise((r) => setTimeout(r, 5));
    await repo.upsertPage(scope(runId), [fn('a', { MemorySize: 256, Timeout: 3 })]);
    assert.equal(await repo.sweep(sweepScope(runId, retrySince, null)), 2);
    const live = await env.prisma.resource.findMany({
      where: { tenantId, deletedAt: null },
      select: { identifier: true },
    });
    assert.deepEqual(
      live.map((r) => r.identifier),
      ['a'],
    );
  });

  it('a resource that comes back is created again and undeleted', async () => {
    const runId = await newRun();
    const counts = await repo.upsertPage(scope(runId), [fn('b')]);
    assert.deepEqual(counts, { seen: 1, created: 1, updated: 0 });
    const b = await env.prisma.resource.findFirstOrThrow({ where: { tenantId, identifier: 'b' } });
    assert.equal(b.deletedAt, null);
    assert.deepEqual(
      (await changesOf(runId)).map((c) => c.kind),
      ['created'],
    );
  });

  it('deletes every live resource of an account that left, once', async () => {
    const runId = await newRun();
    const key = { tenantId, connectionId, accountId: '111111111111', runId };
    assert.equal(await repo.deleteAccountResources(key), 2);
    assert.equal(await repo.deleteAccountResources(key), 0);
    assert.equal(await env.prisma.resource.count({ where: { tenantId, deletedAt: null } }), 0);
  });

  it('keeps tenants apart: the same identifier in another tenant is another resource', async () => {
    const t2 = await createTenant(env.prisma);
    const c2 = await createConnection(env.prisma, t2.id, { accountId: '111111111111' });
    const run = await env.prisma.syncRun.create({
      data: { tenantId: t2.id, connectionId: c2.id, trigger: 'manual' },
    });
    const counts = await repo.upsertPage(
      { tenantId: t2.id, connectionId: c2.id, accountId: '111111111111', type: LAMBDA.type, runId: run.id },
      [fn('a')],
    );
    assert.deepEqual(counts, { seen: 1, created: 1, updated: 0 });
    assert.equal(await env.prisma.resource.count({ where: { tenantId, identifier: 'a' } }), 1);
  });

  it('writes a page inside a transaction through that transaction (rolled back: nothing stays)', async () => {
    const runId = await newRun();
    const inside = await env.prisma
      .$transaction(async (tx) => {
        const counts = await repo.upsertPage(scope(runId), [fn('tx-a'), fn('tx-b')], tx);
        assert.equal(await tx.resource.count({ where: { tenantId, identifier: { startsWith: 'tx-' } } }), 2);
        throw Object.assign(new Error('roll back'), { counts });
      })
      .catch((err: { counts?: unknown }) => err.counts);
    assert.deepEqual(inside, { seen: 2, created: 2, updated: 0 });
    assert.equal(
      await env.prisma.resource.count({ where: { tenantId, identifier: { startsWith: 'tx-' } } }),
      0,
    );
  });

  it('writes many pages at once, more than the pool has connections, each counted once', async () => {
    const runId = await newRun();
    const pages = Array.from({ length: 30 }, (_, p) => [fn(`many-${p}-a`), fn(`many-${p}-b`)]);
    const counts = await Promise.all(pages.map((page) => repo.upsertPage(scope(runId), page)));
    assert.ok(counts.every((c) => c.seen === 2 && c.created === 2));
    assert.equal(await env.prisma.resource.count({ where: { tenantId, lastRunId: runId } }), 60);
  });
});
