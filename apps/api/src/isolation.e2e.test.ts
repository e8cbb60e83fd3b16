import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createConnection, createResource, createTenant } from '@tally/testing';
import { startApi, type ApiHarness } from './test-support/api-harness';

const TABLES = [
  'tenants',
  'api_keys',
  'connections',
  'accounts',
  'sync_runs',
  'sync_tasks',
  'resources',
  'resource_changes',
  'destinations',
  'destination_deliveries',
  'audit_events',
];

const MAPPING = `resources:
  - kind: AWS::S3::Bucket
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .Identifier
          blueprint: '"bucket"'
`;

interface Route {
  method: string;
  path: string;
  body?: unknown;
}

/** Every /v1 route under tenant `t`, aimed at the objects in `ids`. */
function routes(
  t: string,
  ids: {
    key: string;
    connection: string;
    connectionName: string;
    run: string;
    resource: string;
    destination: string;
  },
): Route[] {
  const c = `/v1/tenants/${t}/connections/${ids.connection}`;
  const d = `/v1/tenants/${t}/destinations/${ids.destination}`;
  return [
    { method: 'GET', path: `/v1/tenants/${t}` },
    { method: 'POST', path: `/v1/tenants/${t}/api-keys`, body: { name: 'intruder' } },
    { method: 'GET', path: `/v1/tenants/${t}/api-keys` },
    { method: 'DELETE', path: `/v1/tenants/${t}/api-keys/${ids.key}` },
    {
      method: 'POST',
      path: `/v1/tenants/${t}/connections`,
      body: { name: 'x', accountId: '111122223333', mode: 'account', regions: ['us-east-1'] },
    },
    { method: 'GET', path: `/v1/tenants/${t}/connections` },
    { method: 'GET', path: c },
    { method: 'PATCH', path: c, body: { name: 'renamed', paused: true } },
    { method: 'DELETE', path: `${c}?confirm=${encodeURIComponent(ids.connectionName)}` },
    { method: 'GET', path: `${c}/cloudformation` },
    { method: 'POST', path: `${c}/verify` },
    { method: 'POST', path: `${c}/syncs` },
    { method: 'GET', path: `${c}/syncs` },
    { method: 'GET', path: `/v1/tenants/${t}/syncs/${ids.run}` },
    { method: 'GET', path: `/v1/tenants/${t}/resources` },
    { method: 'GET', path: `/v1/tenants/${t}/resources?q=secret&tag=env:prod` },
    { method: 'GET', path: `/v1/tenants/${t}/resources/${ids.resource}` },
    { method: 'GET', path: `/v1/tenants/${t}/summary` },
    { method: 'GET', path: `/v1/tenants/${t}/changes` },
    { method: 'GET', path: `/v1/tenants/${t}/changes?waitSeconds=1` },
    {
      method: 'POST',
      path: `/v1/tenants/${t}/destinations`,
      body: { name: 'x', kind: 'webhook', config: { url: 'https://hooks.example.com/x' } },
    },
    { method: 'GET', path: `/v1/tenants/${t}/destinations` },
    { method: 'GET', path: d },
    { method: 'PATCH', path: d, body: { status: 'paused' } },
    { method: 'DELETE', path: d },
    { method: 'GET', path: `${d}/cloudformation` },
    { method: 'POST', path: `${d}/test` },
    { method: 'POST', path: `${d}/replay`, body: { since: '2026-01-01T00:00:00Z' } },
    { method: 'POST', path: `${d}/rotate-secret` },
    { method: 'GET', path: `${d}/deliveries` },
    {
      method: 'POST',
      path: `/v1/tenants/${t}/mappings/preview`,
      body: { mapping: MAPPING, resourceIds: [ids.resource] },
    },
  ];
}

// A second tenant's key reaches nothing of the first tenant (404, as if it did not exist), no key
// reaches nothing at all (401), and neither changes a single row.
describe('tenant isolation', () => {
  let api: ApiHarness;
  let tenantA: string;
  let tenantB: string;
  let keyB: string;
  let idsA: Parameters<typeof routes>[1];

  before(async () => {
    api = await startApi();
    const { prisma } = api.env;
    tenantA = (await createTenant(prisma, { name: 'victim' })).id;
    tenantB = (await createTenant(prisma, { name: 'intruder' })).id;
    const keyA = await api.request('POST', `/v1/tenants/${tenantA}/api-keys`, { body: { name: 'a' } });
    keyB = (await api.request('POST', `/v1/tenants/${tenantB}/api-keys`, { body: { name: 'b' } })).body.key;
    const conn = await createConnection(prisma, tenantA, { name: 'victim-prod', status: 'active' });
    const resource = await createResource(prisma, conn, { name: 'secret-bucket', tags: { env: 'prod' } });
    const run = await prisma.syncRun.create({
      data: { tenantId: tenantA, connectionId: conn.id, trigger: 'manual', status: 'succeeded' },
    });
    await prisma.syncTask.create({
      data: {
        tenantId: tenantA,
        runId: run.id,
        accountId: conn.accountId,
        region: 'us-east-1',
        resourceType: 'AWS::S3::Bucket',
      },
    });
    await prisma.resourceChange.create({
      data: { tenantId: tenantA, resourceId: resource.id, runId: run.id, kind: 'created', changedFields: [] },
    });
    const destination = await prisma.destination.create({
      data: {
        tenantId: tenantA,
        name: 'victim-hook',
        kind: 'webhook',
        config: { url: 'https://hooks.example.com/victim' },
        filter: {},
        cursor: 0n,
      },
    });
    await prisma.destinationDelivery.create({
      data: {
        tenantId: tenantA,
        destinationId: destination.id,
        outcome: 'succeeded',
        changes: 1,
        delivered: 1,
        durationMs: 5,
      },
    });
    idsA = {
      key: keyA.body.id,
      connection: conn.id,
      connectionName: conn.name,
      run: run.id,
      resource: resource.id,
      destination: destination.id,
    };
    // One request first, so the key's lastUsedAt is fresh and the walk below writes nothing.
    assert.equal((await api.request('GET', `/v1/tenants/${tenantB}`, { key: keyB })).status, 200);
  });
  after(async () => {
    await api?.close();
  });

  async function snapshot(): Promise<string> {
    const out: Record<string, unknown> = {};
    for (const table of TABLES) {
      const rows = (await api.env.prisma.$queryRawUnsafe(`SELECT * FROM ${table} ORDER BY id`)) as Array<
        Record<string, unknown>
      >;
      out[table] = rows.map(({ last_used_at: _ignored, ...rest }) => rest);
    }
    return JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }

  it("answers 404 to every route with another tenant's key, and changes nothing", async () => {
    const before = await snapshot();
    const unknown = await api.request('GET', `/v1/tenants/${randomUUID()}`, { key: keyB });
    const walked = await Promise.all(
      routes(tenantA, idsA).map(async (r) => ({
        r,
        res: await api.request(r.method, r.path, { key: keyB, body: r.body }),
      })),
    );
    for (const { r, res } of walked) {
      assert.equal(res.status, 404, `${r.method} ${r.path} answered ${res.status}: ${res.text}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(
        res.body.detail,
        unknown.body.detail,
        'indistinguishable from a tenant that does not exist',
      );
    }
    assert.equal(await snapshot(), before);
  });

  it("answers 404 to another tenant's object ids under the caller's own tenant, and changes nothing", async () => {
    const before = await snapshot();
    const objectRoutes = routes(tenantB, idsA).filter(
      (r) =>
        /(api-keys|connections|syncs|resources|destinations)\/[0-9a-f-]{36}/.test(r.path) ||
        r.path.endsWith('/mappings/preview'),
    );
    assert.equal(objectRoutes.length, 19);
    for (const r of objectRoutes) {
      const res = await api.request(r.method, r.path, { key: keyB, body: r.body });
      assert.equal(res.status, 404, `${r.method} ${r.path} answered ${res.status}: ${res.text}`);
    }
    assert.equal(await snapshot(), before);
  });

  it("lists only the caller's own data", async () => {
    const tenants = await api.request('GET', '/v1/tenants', { key: keyB });
    assert.deepEqual(
      tenants.body.items.map((t: { id: string }) => t.id),
      [tenantB],
    );
    for (const path of ['connections', 'resources', 'api-keys', 'destinations', 'changes']) {
      const res = await api.request('GET', `/v1/tenants/${tenantB}/${path}`, { key: keyB });
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes(tenantA), `${path} leaks nothing of tenant A`);
    }
    const summary = await api.request('GET', `/v1/tenants/${tenantB}/summary`, { key: keyB });
    assert.equal(summary.body.resources.total, 0);
    assert.equal(summary.body.lastRun, null);
  });

  it('answers 401 to every route without a key or with a bad one, and changes nothing', async () => {
    const before = await snapshot();
    const all: Route[] = [
      { method: 'POST', path: '/v1/tenants', body: { name: 'x' } },
      { method: 'GET', path: '/v1/tenants' },
      ...routes(tenantA, idsA),
    ];
    const badKeys: Array<{ key: string | null; headers?: Record<string, string> }> = [
      { key: null },
      { key: 'tly_' + 'A'.repeat(43) },
      { key: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } },
      { key: null, headers: { authorization: `Bearer ${api.adminKey.slice(0, -1)}` } },
      { key: null, headers: { authorization: 'Bearer' } },
    ];
    for (const bad of badKeys) {
      await Promise.all(
        all.map(async (r) => {
          const res = await api.request(r.method, r.path, {
            key: bad.key,
            headers: bad.headers,
            body: r.body,
          });
          assert.equal(res.status, 401, `${r.method} ${r.path} answered ${res.status}`);
          assert.equal(res.body.status, 401);
        }),
      );
    }
    assert.equal(await snapshot(), before);
  });

  it('a tenant key cannot create tenants (403, the only role check), and that changes nothing', async () => {
    const before = await snapshot();
    const res = await api.request('POST', '/v1/tenants', { key: keyB, body: { name: 'x' } });
    assert.equal(res.status, 403);
    assert.equal(await snapshot(), before);
  });
  it("an admin key reads any tenant's changes, destinations, deliveries and previews", async () => {
    const d = `/v1/tenants/${tenantA}/destinations/${idsA.destination}`;
    const reads: Route[] = [
      { method: 'GET', path: `/v1/tenants/${tenantA}/changes` },
      { method: 'GET', path: `/v1/tenants/${tenantA}/destinations` },
      { method: 'GET', path: d },
      { method: 'GET', path: `${d}/deliveries` },
      {
        method: 'POST',
        path: `/v1/tenants/${tenantA}/mappings/preview`,
        body: { mapping: MAPPING, resourceIds: [idsA.resource] },
      },
    ];
    for (const r of reads) {
      const res = await api.request(r.method, r.path, { body: r.body });
      assert.equal(res.status, 200, `${r.method} ${r.path} answered ${res.status}: ${res.text}`);
    }
    const changes = await api.request('GET', `/v1/tenants/${tenantA}/changes`);
    assert.equal(changes.body.items[0].resource.id, idsA.resource);
    const preview = await api.request('POST', `/v1/tenants/${tenantA}/mappings/preview`, {
      body: { mapping: MAPPING, resourceIds: [idsA.resource] },
    });
    assert.equal(preview.body.entities[0].resourceId, idsA.resource);
  });
});
