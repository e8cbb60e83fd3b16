import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createTenant } from '@tally/testing';
import { startApi, type ApiHarness, type RequestOptions } from './test-support/api-harness';

interface Case extends RequestOptions {
  name: string;
  method: string;
  path: string;
  status: number;
  /** Fields the problem's `errors` must name. */
  fields?: string[];
}

const good = { name: 'prod', accountId: '123456789012', mode: 'account', regions: ['us-east-1'] };
const json = { 'content-type': 'application/json' };

// Bad requests of many kinds: each answers the expected 4xx as problem+json, never a 5xx.
describe('bad input', () => {
  let api: ApiHarness;
  let t: string;
  let c: string;
  let cases: Case[];

  before(async () => {
    api = await startApi();
    t = (await createTenant(api.env.prisma)).id;
    c = (await createConnection(api.env.prisma, t, { name: 'conn' })).id;
    const conns = `/v1/tenants/${t}/connections`;
    const conn = `${conns}/${c}`;
    const res = `/v1/tenants/${t}/resources`;
    const withBody = (name: string, body: unknown, status: number, fields?: string[]): Case => ({
      name,
      method: 'POST',
      path: conns,
      body,
      status,
      fields,
    });
    const patch = (name: string, body: unknown, fields?: string[]): Case => ({
      name,
      method: 'PATCH',
      path: conn,
      body,
      status: 400,
      fields,
    });
    const query = (name: string, q: string, fields?: string[], path = res): Case => ({
      name,
      method: 'GET',
      path: `${path}?${q}`,
      status: 400,
      fields,
    });
    cases = [
      // bodies that are not JSON objects
      { name: 'no body', method: 'POST', path: '/v1/tenants', status: 400, fields: ['body'] },
      { name: 'array body', method: 'POST', path: '/v1/tenants', body: [], status: 400 },
      { name: 'string body', method: 'POST', path: '/v1/tenants', raw: '"x"', headers: json, status: 400 },
      { name: 'null body', method: 'POST', path: '/v1/tenants', raw: 'null', headers: json, status: 400 },
      { name: 'number body', method: 'POST', path: '/v1/tenants', raw: '42', headers: json, status: 400 },
      {
        name: 'truncated JSON',
        method: 'POST',
        path: '/v1/tenants',
        raw: '{"name":',
        headers: json,
        status: 400,
      },
      {
        name: 'JSON with trailing garbage',
        method: 'POST',
        path: '/v1/tenants',
        raw: '{"name":"a"} x',
        headers: json,
        status: 400,
      },
      {
        name: 'single-quoted JSON',
        method: 'POST',
        path: '/v1/tenants',
        raw: "{'name':'a'}",
        headers: json,
        status: 400,
      },
      {
        name: 'empty JSON body with content-type',
        method: 'POST',
        path: '/v1/tenants',
        raw: '',
        headers: json,
        status: 400,
      },
      // content types and sizes
      {
        name: 'text/plain',
        method: 'POST',
        path: '/v1/tenants',
        raw: '{"name":"a"}',
        headers: { 'content-type': 'text/plain' },
        status: 415,
      },
      {
        name: 'form-encoded',
        method: 'POST',
        path: '/v1/tenants',
        raw: 'name=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
      },
      { name: 'no content-type', method: 'POST', path: '/v1/tenants', raw: '{"name":"a"}', status: 415 },
      {
        name: 'xml',
        method: 'POST',
        path: conns,
        raw: '<a/>',
        headers: { 'content-type': 'application/xml' },
        status: 415,
      },
      {
        name: 'unsupported charset',
        method: 'POST',
        path: '/v1/tenants',
        raw: '{"name":"a"}',
        headers: { 'content-type': 'application/json; charset=latin1' },
        status: 415,
      },
      {
        name: 'oversized body',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: 'x'.repeat(300_000) },
        status: 413,
      },
      // tenants
      {
        name: 'empty tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: '' },
        status: 400,
        fields: ['name'],
      },
      {
        name: 'blank tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: '   ' },
        status: 400,
        fields: ['name'],
      },
      {
        name: 'long tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: 'x'.repeat(201) },
        status: 400,
        fields: ['name'],
      },
      {
        name: 'numeric tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: 5 },
        status: 400,
        fields: ['name'],
      },
      {
        name: 'null tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: null },
        status: 400,
        fields: ['name'],
      },
      {
        name: 'unknown tenant field',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: 'a', admin: true },
        status: 400,
        fields: ['admin'],
      },
      {
        name: 'NUL in a tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: 'a\u0000b' },
        status: 400,
        fields: ['name'],
      },
      {
        name: 'newline in a tenant name',
        method: 'POST',
        path: '/v1/tenants',
        body: { name: 'a\nb' },
        status: 400,
        fields: ['name'],
      },
      {
        name: '__proto__ field',
        method: 'POST',
        path: '/v1/tenants',
        raw: '{"name":"a","__proto__":{"admin":true}}',
        headers: json,
        status: 400,
        fields: ['__proto__'],
      },
      // api keys
      {
        name: 'key without name',
        method: 'POST',
        path: `/v1/tenants/${t}/api-keys`,
        body: {},
        status: 400,
        fields: ['name'],
      },
      {
        name: 'key expiring in the past',
        method: 'POST',
        path: `/v1/tenants/${t}/api-keys`,
        body: { name: 'k', expiresAt: '2020-01-01T00:00:00Z' },
        status: 400,
        fields: ['expiresAt'],
      },
      {
        name: 'key expiry not a date',
        method: 'POST',
        path: `/v1/tenants/${t}/api-keys`,
        body: { name: 'k', expiresAt: 'tomorrow' },
        status: 400,
        fields: ['expiresAt'],
      },
      {
        name: 'key expiry too far',
        method: 'POST',
        path: `/v1/tenants/${t}/api-keys`,
        body: { name: 'k', expiresAt: '2099-01-01T00:00:00Z' },
        status: 400,
        fields: ['expiresAt'],
      },
      {
        name: 'key with a role',
        method: 'POST',
        path: `/v1/tenants/${t}/api-keys`,
        body: { name: 'k', role: 'admin' },
        status: 400,
        fields: ['role'],
      },
      {
        name: 'revoke a malformed key id',
        method: 'DELETE',
        path: `/v1/tenants/${t}/api-keys/nope`,
        status: 404,
      },
      {
        name: 'revoke an unknown key',
        method: 'DELETE',
        path: `/v1/tenants/${t}/api-keys/00000000-0000-4000-8000-000000000000`,
        status: 404,
      },
      // connections: create
      withBody('11-digit account', { ...good, accountId: '12345678901' }, 400, ['accountId']),
      withBody('13-digit account', { ...good, accountId: '1234567890123' }, 400, ['accountId']),
      withBody('account with letters', { ...good, accountId: '12345678901a' }, 400, ['accountId']),
      withBody('numeric account', { ...good, accountId: 123456789012 }, 400, ['accountId']),
      withBody('unknown mode', { ...good, mode: 'org' }, 400, ['mode']),
      withBody('no regions', { ...good, regions: [] }, 400, ['regions']),
      withBody('regions as a string', { ...good, regions: 'us-east-1' }, 400, ['regions']),
      withBody('made-up region', { ...good, regions: ['us-east-9'] }, 400, ['regions.0']),
      withBody('upper-case region', { ...good, regions: ['US-EAST-1'] }, 400, ['regions.0']),
      withBody('repeated region', { ...good, regions: ['us-east-1', 'us-east-1'] }, 400, ['regions']),
      withBody('unsupported type', { ...good, resourceTypes: ['AWS::Foo::Bar'] }, 400, ['resourceTypes.0']),
      withBody('empty type list', { ...good, resourceTypes: [] }, 400, ['resourceTypes']),
      withBody('interval too short', { ...good, syncIntervalMinutes: 4 }, 400, ['syncIntervalMinutes']),
      withBody('interval too long', { ...good, syncIntervalMinutes: 1441 }, 400, ['syncIntervalMinutes']),
      withBody('fractional interval', { ...good, syncIntervalMinutes: 5.5 }, 400, ['syncIntervalMinutes']),
      withBody('interval as a string', { ...good, syncIntervalMinutes: '60' }, 400, ['syncIntervalMinutes']),
      withBody('role name with a space', { ...good, roleName: 'Tally Role' }, 400, ['roleName']),
      withBody('role name too long', { ...good, roleName: 'r'.repeat(65) }, 400, ['roleName']),
      withBody('empty role name', { ...good, roleName: '' }, 400, ['roleName']),
      withBody('role ARN instead of a name', { ...good, roleName: 'arn:aws:iam::123456789012:role/x' }, 400, [
        'roleName',
      ]),
      withBody('client-chosen status', { ...good, status: 'active' }, 400, ['status']),
      withBody('client-chosen tenant', { ...good, tenantId: t }, 400, ['tenantId']),
      withBody('everything missing', {}, 400, ['name', 'accountId', 'mode', 'regions']),
      withBody('connection name too long', { ...good, name: 'n'.repeat(201) }, 400, ['name']),
      withBody('nested junk', { ...good, regions: [{ a: 1 }] }, 400, ['regions.0']),
      // connections: update, delete, other routes
      patch('empty patch', {}),
      patch('changing the account', { accountId: '123456789012' }, ['accountId']),
      patch('changing the mode', { mode: 'organization' }, ['mode']),
      patch('paused as a string', { paused: 'yes' }, ['paused']),
      patch('interval out of range in patch', { syncIntervalMinutes: 0 }, ['syncIntervalMinutes']),
      {
        name: 'patch a malformed id',
        method: 'PATCH',
        path: `${conns}/123`,
        body: { name: 'x' },
        status: 404,
      },
      { name: 'delete without confirmation', method: 'DELETE', path: conn, status: 400, fields: ['confirm'] },
      {
        name: 'delete with a wrong confirmation',
        method: 'DELETE',
        path: `${conn}?confirm=other`,
        status: 400,
        fields: ['confirm'],
      },
      {
        name: 'delete with an unknown query field',
        method: 'DELETE',
        path: `${conn}?force=true`,
        status: 400,
        fields: ['force'],
      },
      { name: 'get a malformed connection id', method: 'GET', path: `${conns}/not-a-uuid`, status: 404 },
      {
        name: 'template of an unknown connection',
        method: 'GET',
        path: `${conns}/00000000-0000-4000-8000-000000000000/cloudformation`,
        status: 404,
      },
      { name: 'verify a malformed id', method: 'POST', path: `${conns}/x/verify`, status: 404 },
      { name: 'sync a pending connection', method: 'POST', path: `${conn}/syncs`, status: 409 },
      // queries
      query('limit 0', 'limit=0', ['limit']),
      query('limit 501', 'limit=501', ['limit']),
      query('limit not a number', 'limit=abc', ['limit']),
      query('fractional limit', 'limit=1.5', ['limit']),
      query('repeated limit', 'limit=1&limit=2', ['limit']),
      query('garbage cursor', 'cursor=%%%garbage', ['cursor']),
      query('cursor of the wrong shape', `cursor=${Buffer.from('{"x":1}').toString('base64url')}`, [
        'cursor',
      ]),
      query('unknown query field', 'foo=1', ['foo']),
      query('unknown region filter', 'region=mars-1', ['region']),
      query('short account filter', 'accountId=12', ['accountId']),
      query('tag without a value separator', 'tag=novalue', ['tag']),
      query('includeDeleted not a boolean', 'includeDeleted=yes', ['includeDeleted']),
      query('type not a CloudFormation type', 'type=S3', ['type']),
      query('too many tag filters', Array.from({ length: 21 }, (_, i) => `tag=k${i}:v`).join('&'), ['tag']),
      query('NUL in q', 'q=%00', ['q']),
      query('control character in a tag', 'tag=a%01:b', ['tag']),
      query('tag with an empty key', 'tag=:v', ['tag']),
      query('cursor with foreign characters', 'cursor=a%20b', ['cursor']),
      query('query too long', `q=${'q'.repeat(300)}`, ['q']),
      query('bad page on connections', 'limit=-1', ['limit'], conns),
      query('unknown field on tenants', 'name=x', ['name'], '/v1/tenants'),
      // routes
      { name: 'unknown route', method: 'GET', path: '/v1/nope', status: 404 },
      { name: 'unknown nested route', method: 'GET', path: `/v1/tenants/${t}/nope`, status: 404 },
      { name: 'unknown method', method: 'PUT', path: '/v1/tenants', body: { name: 'x' }, status: 404 },
      { name: 'malformed tenant id', method: 'GET', path: '/v1/tenants/not-a-uuid', status: 404 },
      {
        name: 'unknown tenant',
        method: 'GET',
        path: '/v1/tenants/00000000-0000-4000-8000-000000000000',
        status: 404,
      },
      { name: 'malformed run id', method: 'GET', path: `/v1/tenants/${t}/syncs/1`, status: 404 },
      { name: 'malformed resource id', method: 'GET', path: `${res}/1`, status: 404 },
      {
        name: 'SQL in an id',
        method: 'GET',
        path: `${res}/${encodeURIComponent("' OR 1=1 --")}`,
        status: 404,
      },
      { name: 'bad percent-encoding in the path', method: 'GET', path: `/v1/tenants/%ZZ`, status: 400 },
      {
        name: 'huge authorization header',
        method: 'GET',
        path: '/v1/tenants',
        key: null,
        headers: { authorization: `Bearer tly_${'a'.repeat(8000)}` },
        status: 401,
      },
    ];
  });
  after(async () => {
    await api?.close();
  });

  it('has at least 50 kinds of bad requests', () => {
    assert.ok(cases.length >= 50, `${cases.length} cases`);
  });

  async function check(k: Case): Promise<string[]> {
    const res = await api.request(k.method, k.path, k);
    const problems: string[] = [];
    if (res.status !== k.status)
      problems.push(`status ${res.status}, expected ${k.status}: ${res.text.slice(0, 300)}`);
    if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) {
      problems.push(`content-type ${res.headers.get('content-type')}`);
    }
    if (res.body?.status !== res.status || !res.body?.title || !res.body?.type)
      problems.push('not a problem document');
    for (const f of k.fields ?? []) {
      if (!res.body?.errors?.some((e: { field: string; message: string }) => e.field === f && e.message)) {
        problems.push(`no error on ${f}: ${JSON.stringify(res.body?.errors)}`);
      }
    }
    return problems;
  }

  it('answers each with the expected 4xx problem+json', async () => {
    const failures: string[] = [];
    // Independent requests: eight at a time keeps the file fast.
    const queue = [...cases];
    const worker = async () => {
      for (let k = queue.shift(); k; k = queue.shift()) {
        const problems = await check(k);
        if (problems.length)
          failures.push(`${k.name} (${k.method} ${k.path.slice(0, 80)}): ${problems.join('; ')}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(failures, []);
  });

  it('answers odd but valid filters without error', async () => {
    for (const q of [
      'q=%25',
      'q=_',
      'q=%5C',
      'q=%F0%9F%92%A9',
      'tag=a%22b%7Bc%7D:v',
      'tag=k:',
      "tag=it's:%27",
      'q=%27%3B%20DROP%20TABLE%20resources%3B--',
    ]) {
      const res = await api.request('GET', `/v1/tenants/${t}/resources?${q}`);
      assert.equal(res.status, 200, `${q}: ${res.text}`);
      assert.deepEqual(res.body.items, []);
    }
  });

  it('never answers 5xx to random JSON on any write route', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [
      null,
      true,
      0,
      -1,
      1e308,
      '',
      'x'.repeat(300),
      [],
      {},
      ['us-east-1'],
      { a: { b: [1] } },
      '123456789012',
      'us-east-1',
      'account',
    ];
    const keys = [
      'name',
      'accountId',
      'mode',
      'regions',
      'resourceTypes',
      'syncIntervalMinutes',
      'roleName',
      'paused',
      'expiresAt',
      'x',
    ];
    const targets = [
      ['POST', '/v1/tenants'],
      ['POST', `/v1/tenants/${t}/api-keys`],
      ['POST', `/v1/tenants/${t}/connections`],
      ['PATCH', `/v1/tenants/${t}/connections/${c}`],
    ];
    const requests = Array.from({ length: 80 }, (_, i) => {
      const body: Record<string, unknown> = {};
      for (const k of keys) if (rand() < 0.4) body[k] = values[Math.floor(rand() * values.length)];
      const [method, path] = targets[i % targets.length];
      return { method, path, body };
    });
    for (let i = 0; i < requests.length; i += 8) {
      await Promise.all(
        requests.slice(i, i + 8).map(async ({ method, path, body }) => {
          const res = await api.request(method, path, { body });
          assert.ok(res.status < 500, `${method} ${path} ${JSON.stringify(body)} answered ${res.status}`);
        }),
      );
    }
  });
});
