import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { defaultPortMapping } from '@tally/mapping';
import { createConnection, createResource } from '@tally/testing';
import { signUpTenant, suiteApi, type ApiHarness } from '../test-support/api-harness';

const MAPPING = `resources:
  - kind: AWS::S3::Bucket
    selector:
      query: '.Properties.BucketName | startswith("skip") | not'
    port:
      entity:
        mappings:
          identifier: .Identifier
          title: .Properties.BucketName
          blueprint: '"bucket"'
          properties:
            region: .__Region
            size: .Properties.Size | length
          relations:
            account: .__AccountId
`;

describe('api mapping preview', () => {
  let api: ApiHarness;
  let tenantId: string;
  let tenantKey: string;

  suiteApi((suite) => void ({ api, tenantId, tenantKey } = suite));

  const preview = (body: unknown, t = tenantId, key = tenantKey) =>
    api.request('POST', `/v1/tenants/${t}/mappings/preview`, { key, body });

  it("maps sample resources while the tenant has none (Port's default mapping included)", async () => {
    const res = await preview({ mapping: defaultPortMapping() });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.input, 'samples');
    assert.ok(res.body.entities.length >= 5, `${res.body.entities.length} entities`);
    const kinds = new Set(res.body.entities.map((e: { kind: string }) => e.kind));
    assert.ok(kinds.has('AWS::S3::Bucket') && kinds.has('AWS::Organizations::Account'), [...kinds].join());
    assert.ok(res.body.entities.every((e: { resourceId: unknown }) => e.resourceId === null));
  });

  it("maps the tenant's resources, or the chosen ones, with per-entity errors", async () => {
    const connection = await createConnection(api.env.prisma, tenantId, { status: 'active' });
    const kept = await createResource(api.env.prisma, connection, {
      identifier: 'logs',
      region: 'eu-west-1',
      properties: { BucketName: 'logs', Size: 'abc' },
    });
    const skipped = await createResource(api.env.prisma, connection, {
      identifier: 'skip-me',
      properties: { BucketName: 'skip-me' },
    });
    const broken = await createResource(api.env.prisma, connection, {
      identifier: 'broken',
      properties: { BucketName: 'broken', Size: true },
    });
    const all = await preview({ mapping: MAPPING });
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.input, 'tenant');
    const byResource = new Map(all.body.entities.map((e: { resourceId: string }) => [e.resourceId, e]));
    assert.deepEqual((byResource.get(kept.id) as { entity: unknown }).entity, {
      identifier: 'logs',
      title: 'logs',
      blueprint: 'bucket',
      properties: { region: 'eu-west-1', size: 3 },
      relations: { account: connection.accountId },
    });
    assert.ok(!byResource.has(skipped.id), 'the selector skipped it');
    assert.ok(!byResource.has(broken.id), 'its failing expression skipped it');
    const [error] = all.body.errors;
    assert.equal(error.identifier, 'broken');
    assert.equal(error.field, 'properties.size');
    assert.match(error.message, /boolean .*has no length/);

    const chosen = await preview({ mapping: MAPPING, resourceIds: [kept.id] });
    assert.deepEqual(
      chosen.body.entities.map((e: { resourceId: string }) => e.resourceId),
      [kept.id],
    );
    assert.deepEqual(chosen.body.errors, []);
  });

  it('answers 400 naming the kind, field and jq error for a bad mapping', async () => {
    const res = await preview({ mapping: MAPPING.replace('.Identifier', '.Identifier | [') });
    assert.equal(res.status, 400, res.text);
    const [error] = res.body.errors;
    assert.equal(error.field, 'mapping.resources[0].port.entity.mappings.identifier');
    assert.match(error.message, /^AWS::S3::Bucket: .*syntax error/);
    const unknownKind = await preview({ mapping: MAPPING.replace('AWS::S3::Bucket', 'AWS::Nope::Thing') });
    assert.equal(unknownKind.status, 400);
    assert.match(unknownKind.body.errors[0].message, /AWS::Nope::Thing/);
    const yaml = await preview({ mapping: 'resources: [' });
    assert.equal(yaml.status, 400);
    for (const body of [
      {},
      { mapping: '' },
      { mapping: MAPPING, resourceIds: ['x'] },
      { mapping: MAPPING, extra: 1 },
    ]) {
      const bad = await preview(body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.ok(bad.body.errors[0].field, bad.text);
    }
  });

  it("answers 404 for another tenant's resources and another tenant's preview route; admin keys reach all", async () => {
    const connection = await createConnection(api.env.prisma, tenantId, { status: 'active' });
    const mine = await createResource(api.env.prisma, connection);
    const other = await signUpTenant(api, { name: 'Other' });
    const foreign = await preview(
      { mapping: MAPPING, resourceIds: [mine.id] },
      other.tenantId,
      other.tenantKey,
    );
    assert.equal(foreign.status, 404, foreign.text);
    assert.equal((await preview({ mapping: MAPPING, resourceIds: [randomUUID()] })).status, 404);
    const crossed = await preview({ mapping: MAPPING }, tenantId, other.tenantKey);
    assert.equal(crossed.status, 404);
    const own = await preview({ mapping: MAPPING }, other.tenantId, other.tenantKey);
    assert.equal(own.body.input, 'samples', "the other tenant's preview never sees this tenant's resources");
    const admin = await preview({ mapping: MAPPING, resourceIds: [mine.id] }, tenantId, api.adminKey);
    assert.equal(admin.status, 200);
  });
});
