// The race rule between live-event refreshes and syncs, against real PostgreSQL: the newer
// observation wins. Both writers store when AWS was asked; an older observation never overwrites
// nor undeletes a newer one, and a sweep never deletes what a refresh saw after the listing began.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getResourceType, normalizeResource, type NormalizedResource } from '@tally/aws';
import { ResourceIngestRepository } from '@tally/sync';
import { createConnection, createTenant, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { ResourceRefreshRepository, type ObservationScope } from './resource-refresh.repository';

const ACCOUNT = '111111111111';
const LAMBDA = getResourceType('AWS::Lambda::Function');
const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, s));

function fn(name: string, memory = 128): NormalizedResource {
  return normalizeResource(LAMBDA, {
    identifier: name,
    accountId: ACCOUNT,
    region: 'us-east-1',
    properties: { FunctionName: name, Runtime: 'nodejs20.x', MemorySize: memory },
  });
}

describe('ResourceRefreshRepository: the newer observation wins', () => {
  let env: TestEnvironment;
  let refresh: ResourceRefreshRepository;
  let ingest: ResourceIngestRepository;
  let tenantId: string;
  let connectionId: string;

  before(async () => {
    env = await createTestEnvironment();
    refresh = new ResourceRefreshRepository(env.prisma);
    ingest = new ResourceIngestRepository(env.prisma);
    tenantId = (await createTenant(env.prisma)).id;
    connectionId = (await createConnection(env.prisma, tenantId, { accountId: ACCOUNT })).id;
  });
  after(() => env?.close());

  const scope = (identifier: string, observedAt: Date, eventId = 'evt-1'): ObservationScope => ({
    tenantId,
    connectionId,
    accountId: ACCOUNT,
    region: 'us-east-1',
    type: LAMBDA.type,
    identifier,
    eventId,
    observedAt,
  });
  const row = (identifier: string) =>
    env.prisma.resource.findFirst({
      where: { tenantId, identifier },
      include: { changes: { orderBy: { at: 'asc' } } },
    });
  async function syncPage(resources: NormalizedResource[], observedAt: Date) {
    const run = await env.prisma.syncRun.create({ data: { tenantId, connectionId, trigger: 'manual' } });
    const since = await ingest.now();
    await ingest.upsertPage(
      { tenantId, connectionId, accountId: ACCOUNT, type: LAMBDA.type, runId: run.id, observedAt },
      resources,
    );
    return { runId: run.id, since };
  }

  it('found: created, then updated, then unchanged; changes carry source event and the event id', async () => {
    assert.equal(await refresh.found(scope('a', at(1), 'e1'), fn('a')), 'created');
    assert.equal(await refresh.found(scope('a', at(2), 'e2'), fn('a', 256)), 'updated');
    assert.equal(await refresh.found(scope('a', at(3), 'e3'), fn('a', 256)), 'unchanged');
    const r = (await row('a'))!;
    assert.equal(r.observedAt?.toISOString(), at(3).toISOString());
    assert.deepEqual(
      r.changes.map((c) => [c.kind, c.source, c.eventId, c.changedFields]),
      [
        ['created', 'event', 'e1', []],
        ['updated', 'event', 'e2', ['MemorySize']],
      ],
    );
  });

  it('not found: deleted with an event change; a resource never stored gets no stub row (Port)', async () => {
    await refresh.found(scope('b', at(1)), fn('b'));
    assert.equal(await refresh.gone(scope('b', at(2), 'del')), 'deleted');
    const b = (await row('b'))!;
    assert.ok(b.deletedAt);
    assert.deepEqual(b.changes.at(-1)?.kind, 'deleted');
    assert.equal(b.changes.at(-1)?.source, 'event');
    assert.equal(await refresh.gone(scope('never-seen', at(2))), 'absent');
    assert.equal(await row('never-seen'), null, 'no empty stub for a resource that is gone');
    assert.equal(await refresh.gone(scope('b', at(3))), 'unchanged', 'deleting twice records nothing new');
    assert.equal((await row('b'))!.changes.length, 2);
  });

  it('an older refresh never overwrites a newer one (events arrive out of order)', async () => {
    await refresh.found(scope('c', at(5)), fn('c', 512));
    assert.equal(await refresh.found(scope('c', at(4)), fn('c', 128)), 'stale');
    const c = (await row('c'))!;
    assert.equal((c.properties as { MemorySize: number }).MemorySize, 512);
  });

  it('a sync page listed before a refresh deleted the resource does not resurrect it', async () => {
    await refresh.found(scope('d', at(1)), fn('d'));
    await refresh.gone(scope('d', at(10)));
    // The sync listed at t=9 (before the deletion was observed) and writes afterwards.
    await syncPage([fn('d')], at(9));
    const d = (await row('d'))!;
    assert.ok(d.deletedAt, 'still deleted');
    assert.equal(d.changes.filter((ch) => ch.kind === 'created').length, 1);
    // A sync listed after the deletion that sees it again (recreated) does bring it back.
    await syncPage([fn('d')], at(11));
    assert.equal((await row('d'))!.deletedAt, null);
  });

  it('a refresh older than a sync page loses; a newer one wins', async () => {
    await syncPage([fn('e', 1024)], at(20));
    assert.equal(await refresh.found(scope('e', at(19)), fn('e', 128)), 'stale');
    assert.equal(await refresh.gone(scope('e', at(19))), 'stale', 'an old "not found" does not delete it');
    assert.equal((await row('e'))!.deletedAt, null);
    assert.equal(await refresh.found(scope('e', at(21)), fn('e', 2048)), 'updated');
    const e = (await row('e'))!;
    assert.equal((e.properties as { MemorySize: number }).MemorySize, 2048);
    assert.deepEqual(
      e.changes.map((ch) => [ch.kind, ch.source]),
      [
        ['created', 'sync'],
        ['updated', 'event'],
      ],
    );
  });

  it('a sweep never deletes what a refresh saw after the listing began (a create the listing missed)', async () => {
    const { runId, since } = await syncPage([], new Date());
    // The refresh observes a new function after the listing started.
    await refresh.found(scope('f', new Date(since.getTime() + 1000)), fn('f'));
    const deleted = await ingest.sweep({
      tenantId,
      connectionId,
      accountId: ACCOUNT,
      type: LAMBDA.type,
      region: 'us-east-1',
      runId,
      since,
    });
    assert.equal((await row('f'))!.deletedAt, null);
    assert.ok(deleted >= 1, 'older rows not in the listing are still swept');
  });

  it('concurrent refreshes and sync pages of one resource end at the newest observation', async () => {
    await refresh.found(scope('g', at(30)), fn('g', 100));
    const writes: Promise<unknown>[] = [];
    for (let s = 31; s <= 50; s++) {
      writes.push(s % 2 ? refresh.found(scope('g', at(s)), fn('g', s)) : syncPage([fn('g', s)], at(s)));
    }
    await Promise.all(writes.reverse());
    const g = (await row('g'))!;
    assert.equal((g.properties as { MemorySize: number }).MemorySize, 50);
    assert.equal(g.observedAt?.toISOString(), at(50).toISOString());
  });
});
