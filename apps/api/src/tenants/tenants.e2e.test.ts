import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertAudited, audits, suiteApi, type ApiHarness } from '../test-support/api-harness';

// /v1/tenants end to end over HTTP against a real PostgreSQL.
describe('api /v1 tenants', () => {
  let api: ApiHarness;
  let tenantId: string;

  suiteApi((suite) => void (api = suite.api), { tenant: false });

  it('creates, lists and gets tenants (admin)', async () => {
    const created = await api.request('POST', '/v1/tenants', { body: { name: '  Acme Corp ' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Acme Corp');
    tenantId = created.body.id;
    await api.request('POST', '/v1/tenants', { body: { name: 'Beta' } });

    const list = await api.request('GET', '/v1/tenants?limit=1');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.ok(list.body.nextCursor);
    const page2 = await api.request('GET', `/v1/tenants?limit=1&cursor=${list.body.nextCursor}`);
    assert.equal(page2.body.items.length, 1);
    assert.notEqual(page2.body.items[0].id, list.body.items[0].id);
    assert.equal(page2.body.nextCursor, null);

    const one = await api.request('GET', `/v1/tenants/${tenantId}`);
    assert.equal(one.status, 200);
    assert.deepEqual(Object.keys(one.body).sort(), ['createdAt', 'id', 'name', 'updatedAt']);

    const [event] = await audits(api, 'tenant.create');
    assert.equal(event.targetId, tenantId);
    assert.ok(event.actorKeyId, 'the admin key is recorded as the actor');
    assert.ok(event.requestId, 'the request id is recorded');
  });

  it('lets a tenant key see only its own tenant', async () => {
    const tenantKey = (
      await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, { body: { name: 'ci' } })
    ).body.key;
    const list = await api.request('GET', '/v1/tenants', { key: tenantKey });
    assert.deepEqual(
      list.body.items.map((t: { id: string }) => t.id),
      [tenantId],
    );
    const make = await api.request('POST', '/v1/tenants', { key: tenantKey, body: { name: 'nope' } });
    assert.equal(make.status, 403);
    assert.equal(make.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it("records the caller's request id in the audit log", async () => {
    const custom = await api.request('POST', '/v1/tenants', {
      body: { name: 'traced' },
      headers: { 'x-request-id': 'trace-123' },
    });
    const [traced] = await api.env.prisma.auditEvent.findMany({ where: { targetId: custom.body.id } });
    assert.equal(traced.requestId, 'trace-123');
  });

  it('audits each state-changing call with its actor and request id', async () => {
    await assertAudited(api, ['tenant.create']);
  });
});
