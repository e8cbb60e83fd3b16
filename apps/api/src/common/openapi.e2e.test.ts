import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Problem, responseSchemas } from '@tally/contract';
import { createConnection, createResource } from '@tally/testing';
import { signUpTenant, suiteApi, type ApiHarness } from '../test-support/api-harness';
import { componentSchemas } from './openapi';

// The OpenAPI document the api serves, checked against the contract it is generated from.
describe('api OpenAPI document', () => {
  let api: ApiHarness;

  suiteApi((suite) => void (api = suite.api), { tenant: false });

  it('publishes OpenAPI 3 at /docs-json describing every route, schema and error', async () => {
    const res = await api.request('GET', '/docs-json', { key: null });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.match(doc.openapi, /^3\./);
    const expected = {
      '/v1/tenants': ['get', 'post'],
      '/v1/tenants/{tenantId}': ['get'],
      '/v1/tenants/{tenantId}/api-keys': ['get', 'post'],
      '/v1/tenants/{tenantId}/api-keys/{keyId}': ['delete'],
      '/v1/tenants/{tenantId}/connections': ['get', 'post'],
      '/v1/tenants/{tenantId}/connections/{connectionId}': ['delete', 'get', 'patch'],
      '/v1/tenants/{tenantId}/connections/{connectionId}/cloudformation': ['get'],
      '/v1/tenants/{tenantId}/connections/{connectionId}/verify': ['post'],
      '/v1/tenants/{tenantId}/connections/{connectionId}/syncs': ['get', 'post'],
      '/v1/tenants/{tenantId}/syncs/{runId}': ['get'],
      '/v1/tenants/{tenantId}/resources': ['get'],
      '/v1/tenants/{tenantId}/resources/{resourceId}': ['get'],
      '/v1/tenants/{tenantId}/summary': ['get'],
      '/v1/tenants/{tenantId}/changes': ['get'],
      '/v1/tenants/{tenantId}/destinations': ['get', 'post'],
      '/v1/tenants/{tenantId}/destinations/{destinationId}': ['delete', 'get', 'patch'],
      '/v1/tenants/{tenantId}/destinations/{destinationId}/cloudformation': ['get'],
      '/v1/tenants/{tenantId}/destinations/{destinationId}/test': ['post'],
      '/v1/tenants/{tenantId}/destinations/{destinationId}/replay': ['post'],
      '/v1/tenants/{tenantId}/destinations/{destinationId}/rotate-secret': ['post'],
      '/v1/tenants/{tenantId}/destinations/{destinationId}/deliveries': ['get'],
      '/v1/tenants/{tenantId}/mappings/preview': ['post'],
    } as Record<string, string[]>;
    for (const [path, methods] of Object.entries(expected)) {
      assert.ok(doc.paths[path], `documents ${path}`);
      for (const m of methods) {
        const op = doc.paths[path][m];
        assert.ok(op, `documents ${m.toUpperCase()} ${path}`);
        assert.ok(op.summary);
        assert.ok(
          op.responses['401'].content['application/problem+json'],
          `${m} ${path} documents its problems`,
        );
        const ok = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
        const content = (ok[1] as { content?: Record<string, { example?: unknown }> }).content;
        if (ok[0] !== '204')
          assert.ok(Object.values(content ?? {})[0]?.example !== undefined, `${m} ${path} has an example`);
      }
    }
    for (const s of [
      'CreateTenant',
      'CreateApiKey',
      'CreateConnection',
      'UpdateConnection',
      'Connection',
      'Resource',
      'ResourceWithChanges',
      'SyncRunWithTasks',
      'Summary',
      'Problem',
      'ChangePage',
      'CreateDestination',
      'UpdateDestination',
      'ReplayDestination',
      'Destination',
      'CreatedDestination',
      'DestinationList',
      'DestinationTestResult',
      'RotatedSecret',
      'DeliveryList',
      'MappingPreviewRequest',
      'MappingPreview',
    ]) {
      assert.ok(doc.components.schemas[s], `schema ${s}`);
    }
    assert.equal(doc.components.schemas.CreateConnection.additionalProperties, false);
    assert.ok(doc.components.schemas.CreateConnection.properties.regions.items.enum.includes('eu-west-1'));
    const ui = await api.request('GET', '/docs', { key: null });
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    assert.ok(parseYaml((await api.request('GET', '/docs-yaml', { key: null })).text).paths);
  });

  it('gives every 2xx answer of every route a response schema from the contract', async () => {
    const doc = (await api.request('GET', '/docs-json', { key: null })).body;
    const contract = new Set(Object.keys(z.toJSONSchema(responseSchemas, { uri: (id) => id }).schemas));
    let answers = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(item)) {
        const route = `${method.toUpperCase()} ${path}`;
        const ok = Object.entries(op.responses as Record<string, any>).filter(([s]) => s.startsWith('2'));
        assert.equal(ok.length, 1, `${route} documents one success answer`);
        const [status, answer] = ok[0];
        if (status === '204') continue;
        answers++;
        const [type, media] = Object.entries<any>(answer.content ?? {})[0] ?? [];
        assert.ok(media?.schema, `${route} ${status} has a response schema`);
        if (type !== 'application/json') continue;
        const id = String(media.schema.$ref ?? '').replace('#/components/schemas/', '');
        assert.ok(contract.has(id), `${route} ${status} answers a contract schema (${id || 'inline'})`);
      }
    }
    assert.equal(answers, 28, 'every 2xx with a body was seen');
  });

  it('serves at /docs-json exactly the JSON Schemas of the contract', async () => {
    const doc = (await api.request('GET', '/docs-json', { key: null })).body;
    const expected = JSON.parse(JSON.stringify(componentSchemas()));
    for (const [id, schema] of Object.entries(expected)) {
      assert.deepEqual(doc.components.schemas[id], schema, `component ${id}`);
    }
    assert.deepEqual(Object.keys(doc.components.schemas).sort(), Object.keys(expected).sort());
    const connection = doc.components.schemas.Connection;
    assert.equal(connection.properties.createdAt.type, 'string');
    assert.equal(connection.properties.createdAt.format, 'date-time');
    assert.equal(connection.properties.verifiedAt.nullable, true, 'nullable, not an array');
  });

  it('answers 500 (a problem, logged) rather than send a response that breaks its schema', async () => {
    const { tenantId, tenantKey } = await signUpTenant(api);
    const connection = await createConnection(api.env.prisma, tenantId);
    // A stored row in a shape the contract does not allow: tags must be a { key: value } map.
    const broken = await createResource(api.env.prisma, connection, { tags: ['not', 'a', 'map'] });
    const res = await api.request('GET', `/v1/tenants/${tenantId}/resources/${broken.id}`, {
      key: tenantKey,
    });
    assert.equal(res.status, 500);
    assert.equal(res.body.code, 'internal');
    assert.ok(!res.text.includes('not'), 'nothing of the broken answer is sent');
  });

  it('answers errors exactly as the contract Problem says: field-level errors carry field and message', async () => {
    const res = await api.request('POST', '/v1/tenants', { body: { name: '', extra: 1 } });
    assert.equal(res.status, 400);
    const problem = z.strictObject(Problem.shape).parse(res.body);
    assert.deepEqual(
      problem.errors?.map((e) => Object.keys(e).sort()),
      [
        ['field', 'message'],
        ['field', 'message'],
      ],
    );
  });
});
