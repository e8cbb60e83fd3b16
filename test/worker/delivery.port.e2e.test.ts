// The `port` destination through the real worker (queue, notifications, engine, jq pool) to the Port
// API stand-in over HTTP, with Port's default mapping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { poolOf } from '@tally/db';
import { MappingValidationError } from '@tally/mapping';
import { createConnection, createResource, createTenant } from '@tally/testing';
import {
  startCrudServiceStandIn,
  startPortApiStandIn,
  startWebhookReceiver,
  type PortApiStandIn,
} from '../../apps/aws-sandbox/src/standins';
import { startDeliveryHarness, type DeliveryHarness } from '../support/delivery.harness';

const ACCOUNT = '123456789012';

describe('port destination', () => {
  let h: DeliveryHarness;
  const standins: PortApiStandIn[] = [];

  async function port(opts: Parameters<typeof startPortApiStandIn>[0] = {}): Promise<PortApiStandIn> {
    const p = await startPortApiStandIn(opts);
    standins.push(p);
    return p;
  }

  /** A tenant with its account (as discovery writes it) and `n` buckets shaped like Cloud Control's. */
  async function tenant(n: number) {
    const t = await createTenant(h.env.prisma);
    const connection = await createConnection(h.env.prisma, t.id, { accountId: ACCOUNT });
    const account = await createResource(h.env.prisma, connection, {
      type: 'AWS::Organizations::Account',
      region: 'global',
      identifier: ACCOUNT,
      name: 'production',
      arn: `arn:aws:organizations::${ACCOUNT}:account/o-abc/${ACCOUNT}`,
      properties: {
        Id: ACCOUNT,
        Arn: `arn:aws:organizations::${ACCOUNT}:account/o-abc/${ACCOUNT}`,
        Email: 'prod@example.com',
        Name: 'production',
        Status: 'ACTIVE',
        JoinedMethod: 'CREATED',
        JoinedTimestamp: '2024-03-01 09:30:00.123000+00:00',
      },
    });
    const buckets = [];
    for (let i = 0; i < n; i++) {
      const name = `port-bucket-${i}-${t.id.slice(0, 6)}`;
      buckets.push(
        await createResource(h.env.prisma, connection, {
          identifier: name,
          name,
          properties: {
            BucketName: name,
            Arn: `arn:aws:s3:::${name}`,
            RegionalDomainName: `${name}.s3.eu-west-1.amazonaws.com`,
          },
        }),
      );
    }
    return { tenantId: t.id, account, buckets };
  }

  /** A writer's change to a resource: new properties (or deleted), and its change row. */
  async function change(
    tenantId: string,
    resourceId: string,
    kind: 'created' | 'updated' | 'deleted',
    properties?: Record<string, unknown>,
  ) {
    const client = await poolOf(h.env.prisma)!.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE resources SET properties = coalesce($2::jsonb, properties),
                deleted_at = CASE WHEN $3::text = 'deleted' THEN now() END, updated_at = now() WHERE id = $1::uuid`,
        [resourceId, properties ? JSON.stringify(properties) : null, kind],
      );
      await client.query(
        `INSERT INTO resource_changes (tenant_id, resource_id, kind, changed_fields)
         VALUES ($1::uuid, $2::uuid, $3::"ChangeKind", '{}')`,
        [tenantId, resourceId, kind],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  const create = (tenantId: string, p: PortApiStandIn, extra: Record<string, unknown> = {}) =>
    h.destinations().createDestination(tenantId, {
      name: 'port',
      kind: 'port',
      config: { baseUrl: p.url, clientId: 'port-client-id', clientSecret: 'port-client-secret' },
      ...extra,
    });

  before(async () => {
    h = await startDeliveryHarness();
  });
  after(async () => {
    await h?.close();
    await Promise.all(standins.map((s) => s.close()));
  });

  it('default mapping: backfill upserts the account and its resources with relations; a deletion removes the entity', async () => {
    const { tenantId, buckets } = await tenant(2);
    const p = await port();
    const { destination, secret } = await create(tenantId, p, { backfill: true });
    assert.equal(secret, undefined);
    assert.ok(!JSON.stringify(destination).includes('port-client-secret'));
    assert.match(destination.mapping ?? '', /AWS::Organizations::Account/, "Port's default mapping");
    await p.waitFor(() => p.entities.size === 3 && !!p.entity('awsAccount', ACCOUNT)?.title, '3 entities');
    const acct = p.entity('awsAccount', ACCOUNT)!;
    assert.equal(acct.title, 'production');
    assert.equal(acct.properties.email, 'prod@example.com');
    assert.equal(acct.properties.joined_timestamp, '2024-03-01T09:30:00.123000+00:00');
    const b0 = p.entity('cloudResource', buckets[0].identifier)!;
    assert.deepEqual(b0.relations, { account: ACCOUNT });
    assert.equal(b0.properties.region, 'eu-west-1');
    assert.equal(b0.properties.kind, 'AWS::S3::Bucket');
    const upserts = p.requests.filter((r) => r.method === 'POST' && r.path.includes('/entities'));
    assert.ok(
      upserts.every(
        (r) =>
          r.query.upsert === 'true' &&
          r.query.merge === 'true' &&
          r.query.create_missing_related_entities === 'true' &&
          r.token === p.tokensIssued[0],
      ),
      JSON.stringify(upserts.map((r) => [r.query, r.token, r.status]).concat([p.tokensIssued])),
    );
    assert.equal(p.tokensIssued.length, 1, 'one token, cached');

    await change(tenantId, buckets[1].id, 'deleted');
    await p.waitFor(() => !p.entity('cloudResource', buckets[1].identifier), 'the deletion');
    const del = p.requests.find((r) => r.method === 'DELETE')!;
    assert.equal(del.path, `/v1/blueprints/cloudResource/entities/${buckets[1].identifier}`);
    await h.caughtUp(tenantId, destination.id);
  });

  it('an entity whose expression fails is skipped with a recorded error; the rest is delivered', async () => {
    const { tenantId, buckets } = await tenant(2);
    const p = await port();
    const { destination } = await create(tenantId, p);
    // No RegionalDomainName: the default mapping's capture fails on null for this bucket only.
    await change(tenantId, buckets[0].id, 'updated', { BucketName: 'x' });
    await change(tenantId, buckets[1].id, 'updated');
    await p.waitFor(() => !!p.entity('cloudResource', buckets[1].identifier), 'the good bucket');
    const view = await h.caughtUp(tenantId, destination.id);
    assert.equal(view.status, 'active');
    assert.equal(p.entity('cloudResource', buckets[0].identifier), undefined);
    const deliveries = await h.destinations().listDeliveries(tenantId, destination.id);
    const noted = deliveries.find((d) => /mapping skipped 1 entity/.test(d.error ?? ''));
    assert.ok(noted, JSON.stringify(deliveries));
    assert.equal(noted.outcome, 'succeeded');
    assert.match(
      noted.error!,
      new RegExp(`AWS::S3::Bucket ${buckets[0].identifier} \\(resources\\[1\\]\\.properties\\.region\\)`),
    );
    assert.equal(deliveries.filter((d) => d.outcome === 'failed').length, 0, 'no retry');
  });

  it('a missing blueprint pauses the destination with what to do; resumed, it delivers', async () => {
    const { tenantId, buckets } = await tenant(1);
    const p = await port({ blueprints: ['awsAccount'] });
    const { destination } = await create(tenantId, p);
    await change(tenantId, buckets[0].id, 'updated');
    const view = await h.until(tenantId, destination.id, (v) => v.status === 'paused', 'paused');
    assert.match(
      view.lastError ?? '',
      /Port has no blueprint "cloudResource".*create blueprint cloudResource in Port, or change the mapping/,
    );
    const tries = p.requests.filter((r) => r.path.includes('/blueprints/cloudResource/')).length;
    assert.equal(tries, 1, 'no retry storm');
    p.blueprints.add('cloudResource');
    await h.destinations().updateDestination(tenantId, destination.id, { status: 'active' });
    await p.waitFor(() => !!p.entity('cloudResource', buckets[0].identifier), 'delivery after resume');
  });

  it('a 429 is retried after Retry-After; a revoked token is renewed once', async () => {
    const { tenantId, buckets } = await tenant(1);
    const p = await port();
    const { destination } = await create(tenantId, p);
    p.failNext(1, 429, 1);
    await change(tenantId, buckets[0].id, 'updated');
    await p.waitFor(() => !!p.entity('cloudResource', buckets[0].identifier), 'delivery after the 429');
    const limited = p.requests.find((r) => r.status === 429)!;
    const next = p.requests.find((r) => r.at > limited.at && r.path.includes('/entities'))!;
    assert.ok(next.at - limited.at >= 950, `retried after ${next.at - limited.at} ms`);
    let view = await h.caughtUp(tenantId, destination.id);
    assert.equal(view.attempts, 0);

    p.expireTokens();
    const before = p.tokensIssued.length;
    await change(tenantId, buckets[0].id, 'updated', {
      BucketName: 'renamed',
      RegionalDomainName: 'renamed.s3.us-east-2.amazonaws.com',
    });
    await p.waitFor(
      () => p.entity('cloudResource', buckets[0].identifier)?.properties.region === 'us-east-2',
      'delivery with a new token',
    );
    assert.equal(p.tokensIssued.length, before + 1);
    assert.ok(p.requests.some((r) => r.status === 401));
    view = await h.caughtUp(tenantId, destination.id);
    assert.equal(view.status, 'active');
  });

  it('an invalid mapping is refused when saved, naming kind, field and jq error; wrong credentials pause', async () => {
    const { tenantId, buckets } = await tenant(1);
    const p = await port();
    await assert.rejects(
      create(tenantId, p, {
        mapping: `resources:
  - kind: AWS::S3::Bucket
    selector: { query: 'true' }
    port: { entity: { mappings: { identifier: .Identifier | nope, blueprint: '"b"' } } }
`,
      }),
      (err: unknown) =>
        err instanceof MappingValidationError &&
        (err.details.fields ?? []).some(
          (f) =>
            f.field.includes('identifier') && /AWS::S3::Bucket/.test(f.message) && /nope/.test(f.message),
        ),
    );
    const { destination } = await h.destinations().createDestination(tenantId, {
      name: 'wrong',
      kind: 'port',
      config: { baseUrl: p.url, clientId: 'port-client-id', clientSecret: 'wrong' },
    });
    const t = await h.destinations().test(tenantId, destination.id);
    assert.equal(t.ok, false);
    await change(tenantId, buckets[0].id, 'updated');
    const view = await h.until(tenantId, destination.id, (v) => v.status === 'paused', 'paused');
    assert.match(view.lastError ?? '', /Port refused the client ID and secret/);
  });

  it('any destination may have a mapping: webhook data carries the entities, CRUD one document per entity', async () => {
    const { tenantId, buckets } = await tenant(1);
    const mapping = `resources:
  - kind: AWS::S3::Bucket
    selector: { query: 'true' }
    port:
      entity:
        mappings:
          identifier: .Identifier
          blueprint: '"bucket"'
          properties: { arn: .Properties.Arn, region: .__Region }
  - kind: AWS::S3::Bucket
    selector: { query: '.Properties.BucketName | startswith("port-")' }
    port:
      entity:
        mappings:
          identifier: '"arn-" + .Identifier'
          blueprint: '"arnIndex"'
`;
    const rx = await startWebhookReceiver();
    const crud = await startCrudServiceStandIn();
    try {
      await h.destinations().createDestination(tenantId, {
        name: 'hook',
        kind: 'webhook',
        config: { url: rx.url },
        mapping,
      });
      await h.destinations().createDestination(tenantId, {
        name: 'mia',
        kind: 'crud-service',
        config: { url: `${crud.url}/entities` },
        mapping,
      });
      await change(tenantId, buckets[0].id, 'updated');
      const [got] = await rx.waitForAccepted(1);
      const body = JSON.parse(got.body) as {
        type: string;
        data: {
          id: string;
          resourceId: string;
          resource?: unknown;
          entities: Array<Record<string, unknown>>;
        };
      };
      assert.equal(body.type, 'resource.updated');
      assert.equal(body.data.resourceId, buckets[0].id);
      assert.equal(body.data.resource, undefined, 'the entities replace the resource');
      assert.deepEqual(
        body.data.entities.map((e) => [e.blueprint, e.identifier]),
        [
          ['bucket', buckets[0].identifier],
          ['arnIndex', `arn-${buckets[0].identifier}`],
        ],
      );
      assert.deepEqual(body.data.entities[0].properties, {
        arn: `arn:aws:s3:::${buckets[0].identifier}`,
        region: 'us-east-1',
      });
      for (let i = 0; i < 250 && crud.documents.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(crud.documents.map((d) => [d.blueprint, d.identifier]).sort(), [
        ['arnIndex', `arn-${buckets[0].identifier}`],
        ['bucket', buckets[0].identifier],
      ]);
      assert.ok(crud.documents.every((d) => d.resourceId === buckets[0].id));
      await change(tenantId, buckets[0].id, 'deleted');
      for (let i = 0; i < 250 && crud.documents.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(crud.documents.length, 0, 'both entities deleted');
    } finally {
      await rx.close();
      await crud.close();
    }
  });
});
