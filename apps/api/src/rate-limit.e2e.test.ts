import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTenant } from '@tally/testing';
import { startApi, type ApiHarness } from './test-support/api-harness';

// The per-key limit: a fixed one-minute window in Redis.
describe('rate limiting', () => {
  let api: ApiHarness;
  let tenantId: string;

  before(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '5' });
    tenantId = (await createTenant(api.env.prisma)).id;
  });
  after(async () => {
    await api?.close();
  });

  it('answers 429 problem+json with Retry-After once a key used its budget, per key', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await api.request('GET', `/v1/tenants/${tenantId}`);
      statuses.push(last.status);
    }
    // The window may roll over mid-loop: then the count restarts, but never exceeds 5 per window.
    assert.ok(statuses.filter((s) => s === 429).length >= 1, statuses.join());
    const limited = last!.status === 429 ? last! : await api.request('GET', `/v1/tenants/${tenantId}`);
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
      `Retry-After ${retryAfter}`,
    );
    assert.equal(limited.headers.get('ratelimit-limit'), '5');
    assert.equal(limited.headers.get('ratelimit-remaining'), '0');
    assert.equal(limited.body.code, 'rate_limited');

    const other = await api.request('POST', `/v1/tenants/${tenantId}/api-keys`, { key: null, headers: {} });
    assert.equal(other.status, 401, 'unauthenticated requests are refused before counting');
    const created = await api.env.prisma.apiKey.count();
    assert.equal(created, 1, 'only the admin key exists');
  });

  it('counts each key separately', async () => {
    const { generateApiKey } = await import('@tally/tenancy');
    const k = generateApiKey();
    await api.env.prisma.apiKey.create({
      data: { tenantId, role: 'tenant', name: 'fresh', prefix: k.prefix, hash: k.hash },
    });
    const res = await api.request('GET', `/v1/tenants/${tenantId}`, { key: k.key });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('ratelimit-remaining'), '4');
  });
});
