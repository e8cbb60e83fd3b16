import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { TallyError } from '@tally/common';
import { poolOf } from '@tally/db';
import {
  createConnection,
  createResource,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { CursorExpiredError, decodeChangeCursor } from './change-cursor';
import { ChangeFeedService } from './change-feed.service';
import { ChangeNotifier } from './change-notifier';
import { ChangeSequencer } from './change-sequencer';

const INSERT = `INSERT INTO resource_changes (tenant_id, resource_id, kind, changed_fields, source, event_id)
                VALUES ($1::uuid, $2::uuid, $3::"ChangeKind", '{}', $4::"ChangeSource", $5) RETURNING id`;

describe('change feed', () => {
  let env: TestEnvironment;
  let notifier: ChangeNotifier;
  let feed: ChangeFeedService;
  const clients: pg.Client[] = [];
  const pool = () => poolOf(env.prisma)!;

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: env.config.DATABASE_URL });
    await c.connect();
    clients.push(c);
    return c;
  }

  async function tenantWithResources(n: number, type = 'AWS::S3::Bucket') {
    const tenant = await createTenant(env.prisma);
    const connection = await createConnection(env.prisma, tenant.id);
    const resources = [];
    for (let i = 0; i < n; i++) resources.push(await createResource(env.prisma, connection, { type }));
    return { tenantId: tenant.id, connection, resources };
  }

  async function insert(
    c: pg.Client | pg.Pool,
    tenantId: string,
    resourceId: string,
    kind = 'updated',
    source = 'sync',
    eventId: string | null = null,
  ) {
    return (await c.query<{ id: string }>(INSERT, [tenantId, resourceId, kind, source, eventId])).rows[0].id;
  }

  before(async () => {
    env = await createTestEnvironment({ CHANGE_RETENTION_DAYS: '7' });
    notifier = new ChangeNotifier(env.config);
    feed = new ChangeFeedService(env.prisma, env.config, new ChangeSequencer(env.prisma), notifier);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await notifier.onModuleDestroy();
    await env.close();
  });

  it('never skips a change whose transaction began first and committed last', async () => {
    const { tenantId, resources } = await tenantWithResources(2);
    const [slow, fast] = [await client(), await client()];
    await slow.query('BEGIN');
    const a = await insert(slow, tenantId, resources[0].id); // inserted (and numbered, by any clock) first
    await fast.query('BEGIN');
    const b = await insert(fast, tenantId, resources[1].id);
    await fast.query('COMMIT');

    const first = await feed.listChanges(tenantId);
    assert.deepEqual(
      first.items.map((i) => i.id),
      [b],
    );

    await slow.query('COMMIT');
    const second = await feed.listChanges(tenantId, { after: first.nextCursor });
    assert.deepEqual(
      second.items.map((i) => i.id),
      [a],
      'the late commit is read after the cursor',
    );
    assert.ok(decodeChangeCursor(second.items[0].cursor) > decodeChangeCursor(first.items[0].cursor));
    // The trap a timestamp or sequence cursor falls into: a was written before b.
    const rows = await env.prisma.resourceChange.findMany({ where: { id: { in: [a, b] } } });
    const at = Object.fromEntries(rows.map((r) => [r.id, r.writtenAt.getTime()]));
    assert.ok(at[a] <= at[b]);
  });

  it('many concurrent writers committing in random order: a polling reader sees each change exactly once', async () => {
    const { tenantId, resources } = await tenantWithResources(10);
    const writers = await Promise.all(Array.from({ length: 8 }, () => client()));
    const written: string[] = [];
    const seen: string[] = [];
    let done = false;
    const reader = (async () => {
      let cursor: string | undefined;
      for (;;) {
        const finished = done;
        const page = await feed.listChanges(tenantId, { after: cursor, limit: 7 });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        if (finished && !page.items.length) return;
      }
    })();
    await Promise.all(
      writers.map(async (w, wi) => {
        for (let round = 0; round < 6; round++) {
          await w.query('BEGIN');
          const ids = [];
          for (let k = 0; k < 3; k++)
            ids.push(await insert(w, tenantId, resources[(wi + k + round) % 10].id));
          await sleep(Math.floor(Math.random() * 15));
          await w.query('COMMIT');
          written.push(...ids);
        }
      }),
    );
    done = true;
    await reader;
    assert.equal(seen.length, written.length, 'no change read twice or missed');
    assert.deepEqual([...seen].sort(), [...written].sort());
  });

  it('keeps two writes of one resource in commit order even when the later one started first', async () => {
    const { tenantId, resources } = await tenantWithResources(2);
    const [r, other] = resources;
    const [t1, t2] = [await client(), await client()];
    await t2.query('BEGIN');
    await insert(t2, tenantId, other.id); // t2 is older
    await t1.query('BEGIN');
    await t1.query('UPDATE resources SET name = $2 WHERE id = $1', [r.id, 'first']);
    const first = await insert(t1, tenantId, r.id);
    const blocked = t2.query('UPDATE resources SET name = $2 WHERE id = $1', [r.id, 'second']); // waits for t1
    await sleep(50);
    await t1.query('COMMIT');
    await blocked;
    const second = await insert(t2, tenantId, r.id);
    await t2.query('COMMIT');
    const page = await feed.listChanges(tenantId);
    const ofR = page.items.filter((i) => i.resource.id === r.id).map((i) => i.id);
    assert.deepEqual(ofR, [first, second]);
  });

  it('serves the DESIGN §5 shape, filters by type, account and connection, and stays in its tenant', async () => {
    const one = await tenantWithResources(1, 'AWS::S3::Bucket');
    const conn2 = await createConnection(env.prisma, one.tenantId);
    const fn = await createResource(env.prisma, conn2, { type: 'AWS::Lambda::Function' });
    const other = await tenantWithResources(1);
    await insert(pool(), one.tenantId, one.resources[0].id, 'created');
    const ev = await insert(pool(), one.tenantId, fn.id, 'updated', 'event', 'evt-1');
    await insert(pool(), other.tenantId, other.resources[0].id, 'created');

    const all = await feed.listChanges(one.tenantId);
    assert.equal(all.items.length, 2);
    const item = all.items.find((i) => i.id === ev)!;
    assert.deepEqual(Object.keys(item).sort(), [
      'at',
      'changedFields',
      'cursor',
      'eventId',
      'id',
      'kind',
      'resource',
      'runId',
      'source',
    ]);
    assert.equal(item.source, 'event');
    assert.equal(item.eventId, 'evt-1');
    assert.equal(item.resource.provider, 'aws');
    assert.equal(item.resource.type, 'AWS::Lambda::Function');
    assert.deepEqual(
      (await feed.listChanges(one.tenantId, { type: 'AWS::Lambda::Function' })).items.map((i) => i.id),
      [ev],
    );
    assert.deepEqual(
      (await feed.listChanges(one.tenantId, { connectionId: conn2.id })).items.map((i) => i.id),
      [ev],
    );
    assert.equal(
      (await feed.listChanges(one.tenantId, { accountId: one.connection.accountId })).items.length,
      1,
    );
    assert.ok(all.items.every((i) => i.resource.id !== other.resources[0].id));
  });

  it('long poll: waits for a commit and answers at once (no busy polling), or empty at the deadline', async () => {
    const { tenantId, resources } = await tenantWithResources(1);
    const start = await feed.listChanges(tenantId);
    const t0 = Date.now();
    const waiting = feed.listChanges(tenantId, { after: start.nextCursor, waitSeconds: 10 });
    await sleep(150);
    const id = await insert(pool(), tenantId, resources[0].id);
    const page = await waiting;
    assert.deepEqual(
      page.items.map((i) => i.id),
      [id],
    );
    assert.ok(Date.now() - t0 < 3000, `woken by the commit, took ${Date.now() - t0} ms`);
    const t1 = Date.now();
    const empty = await feed.listChanges(tenantId, { after: page.nextCursor, waitSeconds: 1 });
    assert.equal(empty.items.length, 0);
    assert.ok(Date.now() - t1 >= 950);
    assert.equal(empty.nextCursor, page.nextCursor);
  });

  it('retention: removes old changes and answers an expired cursor with the oldest readable one', async () => {
    const { tenantId, resources } = await tenantWithResources(1);
    await insert(pool(), tenantId, resources[0].id, 'created');
    const first = await feed.listChanges(tenantId);
    await insert(pool(), tenantId, resources[0].id);
    await insert(pool(), tenantId, resources[0].id);
    await feed.head(tenantId);
    await env.prisma.$executeRawUnsafe(
      `UPDATE resource_changes SET at = now() - interval '8 days' WHERE tenant_id = $1::uuid AND seq <= 2`,
      tenantId,
    );
    assert.ok((await feed.pruneExpired()) >= 2);
    const err = await feed.listChanges(tenantId, { after: first.nextCursor }).catch((e: unknown) => e);
    assert.ok(err instanceof CursorExpiredError);
    assert.ok(err instanceof TallyError && err.code === 'cursor_expired');
    assert.match(err.message, /retention \(7 days\).*oldest cursor still readable is c1_/);
    const resumed = await feed.listChanges(tenantId, { after: err.oldestCursor });
    assert.equal(resumed.items.length, 1);
    assert.equal(
      (await feed.listChanges(tenantId)).items.length,
      1,
      'no cursor starts at the oldest retained',
    );
  });

  it('refuses a cursor it did not make, naming the parameter', async () => {
    const err = await feed
      .listChanges((await createTenant(env.prisma)).id, { after: 'nope' })
      .catch((e: unknown) => e);
    assert.ok(err instanceof TallyError);
    assert.equal(err.code, 'validation_failed');
    assert.equal(err.details.fields?.[0].field, 'after');
  });
});
