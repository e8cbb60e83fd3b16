import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeFeedService, ChangeNotifier, encodeChangeCursor } from '@tally/delivery';
import { createConnection, createResource } from '@tally/testing';
import { signUpTenant, startApi, suiteApi, type ApiHarness } from '../test-support/api-harness';

describe('api change feed', () => {
  let api: ApiHarness;
  let tenantId: string;
  let tenantKey: string;
  let connection: { id: string; tenantId: string; accountId: string };

  suiteApi(async (suite) => {
    ({ api, tenantId, tenantKey } = suite);
    connection = await createConnection(api.env.prisma, tenantId, { status: 'active' });
  });

  const changes = (query = '', key?: string) =>
    api.request('GET', `/v1/tenants/${tenantId}/changes${query}`, { key: key ?? tenantKey });

  async function change(kind: 'created' | 'updated' | 'deleted', type = 'AWS::S3::Bucket') {
    const resource = await createResource(api.env.prisma, connection, { type });
    await api.env.prisma.resourceChange.create({
      data: { tenantId, resourceId: resource.id, kind, changedFields: kind === 'updated' ? ['Tags'] : [] },
    });
    return resource;
  }

  it('reads changes in order with the normalized resource, continues from nextCursor, and filters', async () => {
    const first = await change('created');
    const second = await change('updated', 'AWS::EC2::Instance');
    const page = await changes('?limit=1');
    assert.equal(page.status, 200, page.text);
    assert.equal(page.body.items.length, 1);
    const [item] = page.body.items;
    assert.equal(item.kind, 'created');
    assert.equal(item.source, 'sync');
    assert.equal(item.resource.id, first.id);
    assert.equal(item.resource.provider, 'aws');
    assert.match(item.at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(page.body.nextCursor, item.cursor);

    const rest = await changes(`?after=${page.body.nextCursor}`);
    assert.deepEqual(
      rest.body.items.map((c: { resource: { id: string } }) => c.resource.id),
      [second.id],
    );
    assert.deepEqual(rest.body.items[0].changedFields, ['Tags']);
    const head = await changes(`?after=${rest.body.nextCursor}`);
    assert.deepEqual(head.body.items, []);
    assert.ok(head.body.nextCursor, 'an empty page still says where to continue');

    const ec2 = await changes('?type=AWS::EC2::Instance');
    assert.deepEqual(
      ec2.body.items.map((c: { resource: { type: string } }) => c.resource.type),
      ['AWS::EC2::Instance'],
    );
    const none = await changes(`?accountId=000000000000&connectionId=${connection.id}`);
    assert.deepEqual(none.body.items, []);
  });

  it('answers 400 naming the field for a bad cursor or bad query', async () => {
    const bad = await changes('?after=not-a-cursor');
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual(
      bad.body.errors.map((e: { field: string }) => e.field),
      ['after'],
    );
    const wait = await changes('?waitSeconds=21');
    assert.equal(wait.status, 400);
    assert.equal(wait.body.errors[0].field, 'waitSeconds');
    const unknown = await changes('?since=yesterday');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors[0].field, 'since');
  });

  it('answers 410 naming the oldest cursor for a cursor older than retention', async () => {
    await api.env.prisma.changeFeed.upsert({
      where: { tenantId },
      create: { tenantId, prunedThrough: 1_000n },
      update: { prunedThrough: 1_000n },
    });
    try {
      const gone = await changes(`?after=${encodeChangeCursor(5n)}`);
      assert.equal(gone.status, 410, gone.text);
      assert.match(gone.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(gone.body.code, 'cursor_expired');
      assert.equal(gone.body.oldestCursor, encodeChangeCursor(1_000n));
      assert.ok(gone.body.detail.includes(encodeChangeCursor(1_000n)), gone.body.detail);
    } finally {
      await api.env.prisma.changeFeed.update({ where: { tenantId }, data: { prunedThrough: 0n } });
    }
  });

  it('long-polls: answers as soon as a change commits, well before waitSeconds', async () => {
    const head = (await changes()).body.nextCursor;
    const started = Date.now();
    const polled = changes(`?after=${head}&waitSeconds=15`);
    // The request is waiting once the notifier has a waiter; then commit a change.
    await waitForWaiter(api);
    const resource = await change('deleted');
    const res = await polled;
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.items.map((c: { resource: { id: string } }) => c.resource.id),
      [resource.id],
    );
    assert.equal(res.body.items[0].resource.deletedAt !== null, true);
    assert.ok(Date.now() - started < 10_000, 'answered before the wait ran out');
  });

  it('stops a long poll when the client disconnects', async () => {
    const feed = api.app.get(ChangeFeedService);
    const original = feed.listChanges.bind(feed);
    let served: Promise<unknown> | undefined;
    feed.listChanges = (...args) => (served = original(...args));
    try {
      const head = (await changes()).body.nextCursor;
      const client = new AbortController();
      const request = fetch(`${api.url}/v1/tenants/${tenantId}/changes?after=${head}&waitSeconds=20`, {
        headers: { authorization: `Bearer ${tenantKey}` },
        signal: client.signal,
      }).catch((err: Error) => err);
      await waitForWaiter(api);
      const abortedAt = Date.now();
      client.abort();
      assert.ok((await request) instanceof Error);
      await served;
      assert.ok(Date.now() - abortedAt < 3_000, `the server stopped waiting (${Date.now() - abortedAt} ms)`);
    } finally {
      feed.listChanges = original;
    }
  });

  it('never serves another tenant its changes; an admin key reads any tenant', async () => {
    const other = await api.request('POST', '/v1/tenants', { body: { name: 'Other' } });
    const otherKey = (
      await api.request('POST', `/v1/tenants/${other.body.id}/api-keys`, { body: { name: 'o' } })
    ).body.key;
    const res = await changes('', otherKey);
    assert.equal(res.status, 404);
    const own = await api.request('GET', `/v1/tenants/${other.body.id}/changes`, { key: otherKey });
    assert.deepEqual(own.body.items, []);
    const admin = await changes('', api.adminKey);
    assert.equal(admin.status, 200);
    assert.ok(admin.body.items.length >= 3);
  });
});

/** Resolves once a long poll waits on the api's change notifier. */
async function waitForWaiter(api: ApiHarness): Promise<void> {
  const notifier = api.app.get(ChangeNotifier);
  const events = (notifier as unknown as { events: import('node:events').EventEmitter }).events;
  const deadline = Date.now() + 5_000;
  while (!events.eventNames().some((n) => n !== '*' && events.listenerCount(n) > 0)) {
    if (Date.now() > deadline) throw new Error('no long poll is waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('api shutdown', () => {
  it("closes the change notifier's LISTEN connection", async () => {
    const api = await startApi();
    const listening = async () => {
      const rows = await api.env.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'`,
      );
      return rows[0].n;
    };
    try {
      const { tenantId } = await signUpTenant(api, { withKey: false });
      const res = await api.request('GET', `/v1/tenants/${tenantId}/changes?waitSeconds=1`);
      assert.equal(res.status, 200);
      assert.equal(await listening(), 1);
      await api.app.close();
      assert.equal(await listening(), 0);
    } finally {
      await api.close();
    }
  });
});
