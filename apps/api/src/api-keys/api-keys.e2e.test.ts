import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashApiKey } from '@tally/tenancy';
import { assertAudited, audits, signUpTenant, suiteApi, type ApiHarness } from '../test-support/api-harness';

// /v1/tenants/{t}/api-keys end to end over HTTP against a real PostgreSQL.
describe('api /v1 api keys', () => {
  let api: ApiHarness;
  let tenantId: string;
  let tenantKey: string;

  suiteApi(
    async (suite) => {
      api = suite.api;
      ({ tenantId } = await signUpTenant(api, { withKey: false }));
    },
    { tenant: false },
  );

  it('creates a tenant key shown once, stored only as a hash, listed without secrets', async () => {
    const res = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, { body: { name: 'ci' } });
    assert.equal(res.status, 201);
    tenantKey = res.body.key;
    assert.match(tenantKey, /^tly_[A-Za-z0-9_-]{43,}$/);
    assert.equal(res.body.role, 'tenant');
    assert.equal(res.body.prefix, tenantKey.slice(0, res.body.prefix.length));

    const row = await api.env.prisma.apiKey.findUniqueOrThrow({ where: { id: res.body.id } });
    assert.equal(row.hash, hashApiKey(tenantKey));
    const dump = JSON.stringify(await api.env.prisma.$queryRawUnsafe('SELECT * FROM api_keys'));
    assert.ok(!dump.includes(tenantKey), 'the database never holds a key');
    assert.ok(!dump.includes(api.adminKey), 'nor the bootstrap admin key');
    const audit = JSON.stringify(await api.env.prisma.auditEvent.findMany());
    assert.ok(!audit.includes(tenantKey.slice(12)), 'the audit log never holds a key');

    const list = await api.request('GET', `/v1/tenants/${tenantId}/api-keys`, { key: tenantKey });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].key, undefined);
    assert.equal(list.body.items[0].hash, undefined);
    assert.ok(!list.text.includes(tenantKey));
  });

  it('revokes keys (idempotently) and refuses them afterwards; honours expiry', async () => {
    const made = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, {
      key: tenantKey,
      body: { name: 'temp' },
    });
    assert.equal((await api.request('GET', `/v1/tenants/${tenantId}`, { key: made.body.key })).status, 200);
    const del = await api.request('DELETE', `/v1/tenants/${tenantId}/api-keys/${made.body.id}`, {
      key: tenantKey,
    });
    assert.equal(del.status, 204);
    const again = await api.request('DELETE', `/v1/tenants/${tenantId}/api-keys/${made.body.id}`, {
      key: tenantKey,
    });
    assert.equal(again.status, 204);
    const refused = await api.request('GET', `/v1/tenants/${tenantId}`, { key: made.body.key });
    assert.equal(refused.status, 401);
    assert.match(refused.body.detail, /revoked/);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="tally"');
    assert.equal((await audits(api, 'api_key.revoke')).length, 1);
    const listed = await api.request('GET', `/v1/tenants/${tenantId}/api-keys`);
    assert.ok(
      listed.body.items.find((k: { id: string; revokedAt: string }) => k.id === made.body.id).revokedAt,
    );

    const soon = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, {
      body: { name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    assert.equal(soon.status, 201);
    await api.env.prisma.apiKey.update({
      where: { id: soon.body.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await api.request('GET', `/v1/tenants/${tenantId}`, { key: soon.body.key });
    assert.equal(expired.status, 401);
    assert.match(expired.body.detail, /expired/);
  });
  it('audits each state-changing call with its actor and request id', async () => {
    await assertAudited(api, ['api_key.bootstrap', 'api_key.create', 'api_key.revoke']);
  });
});
