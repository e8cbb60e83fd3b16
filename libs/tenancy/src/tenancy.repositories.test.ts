import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppConfig } from '@tally/config';
import type { PrismaService } from '@tally/db';
import {
  createConnection,
  createResource,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { AdminKeyBootstrap, BOOTSTRAP_KEY_NAME } from './admin-key.bootstrap';
import { generateApiKey } from './api-key';
import { ApiKeysRepository } from './api-keys.repository';
import { AuditLog } from './audit.service';
import { ConnectionsRepository } from './connections.repository';
import { ResourcesRepository } from './resources.repository';

// The data layer scopes by tenant; the bootstrap admin key is idempotent and rotates.
describe('tenancy repositories', () => {
  let env: TestEnvironment;
  let prisma: PrismaService;

  before(async () => {
    env = await createTestEnvironment();
    prisma = env.prisma as unknown as PrismaService;
  });
  after(async () => {
    await env?.close();
  });

  it("never reads, changes or deletes another tenant's connection or resource", async () => {
    const a = await createTenant(env.prisma);
    const b = await createTenant(env.prisma);
    const conn = await createConnection(env.prisma, a.id);
    const res = await createResource(env.prisma, conn);
    const connections = new ConnectionsRepository(prisma);
    const resources = new ResourcesRepository(prisma);
    assert.equal(await connections.find(b.id, conn.id), null);
    assert.equal(await connections.update(b.id, conn.id, { name: 'stolen' }), null);
    assert.equal(await connections.deleteWithInventory(b.id, conn.id), null);
    assert.equal(await resources.find(b.id, res.id), null);
    assert.equal((await resources.list(b.id, {}, { limit: 10 })).items.length, 0);
    assert.equal((await connections.find(a.id, conn.id))?.name, conn.name);
    assert.equal((await resources.list(a.id, {}, { limit: 10 })).items.length, 1);
    assert.deepEqual(await connections.deleteWithInventory(a.id, conn.id), { resources: 1 });
  });

  it('filters tags by containment within the tenant, with the other filters and id-cursor pages', async () => {
    const a = await createTenant(env.prisma);
    const b = await createTenant(env.prisma);
    const connA = await createConnection(env.prisma, a.id);
    const connB = await createConnection(env.prisma, b.id);
    const odd = { 'a"b{c},': "it's", env: 'prod' };
    for (let i = 0; i < 5; i++)
      await createResource(env.prisma, connA, { tags: { env: 'prod', team: i % 2 ? 'x' : 'y' } });
    await createResource(env.prisma, connA, { tags: { env: 'prod' }, deletedAt: new Date() });
    await createResource(env.prisma, connA, { tags: odd, name: 'special-one', region: 'eu-west-1' });
    await createResource(env.prisma, connB, { tags: { env: 'prod', team: 'x' } });
    const repo = new ResourcesRepository(prisma);
    const prod = [{ key: 'env', value: 'prod' }];

    const first = await repo.list(a.id, { tags: prod }, { limit: 4 });
    assert.equal(first.items.length, 4);
    assert.ok(first.nextCursor);
    const second = await repo.list(a.id, { tags: prod }, { limit: 4, cursor: first.nextCursor });
    assert.equal(second.items.length, 2);
    assert.equal(second.nextCursor, null);
    const ids = [...first.items, ...second.items].map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.ok([...first.items, ...second.items].every((r) => r.tenantId === a.id && r.deletedAt === null));

    assert.equal(
      (await repo.list(a.id, { tags: prod, includeDeleted: true }, { limit: 10 })).items.length,
      7,
    );
    const both = [...prod, { key: 'team', value: 'x' }];
    assert.equal((await repo.list(a.id, { tags: both }, { limit: 10 })).items.length, 2);
    assert.equal((await repo.list(b.id, { tags: both }, { limit: 10 })).items.length, 1);
    const cell = { type: 'AWS::S3::Bucket', accountId: connA.accountId, region: 'us-east-1' };
    assert.equal((await repo.list(a.id, { ...cell, tags: both }, { limit: 10 })).items.length, 2);
    assert.equal((await repo.list(b.id, { ...cell, tags: prod }, { limit: 10 })).items.length, 0);
    const clash = [...prod, { key: 'env', value: 'dev' }];
    assert.equal((await repo.list(a.id, { tags: clash }, { limit: 10 })).items.length, 0);
    const special = [{ key: 'a"b{c},', value: "it's" }];
    const hit = await repo.list(a.id, { tags: special, q: 'SPECIAL', region: 'eu-west-1' }, { limit: 10 });
    assert.deepEqual(
      hit.items.map((r) => r.name),
      ['special-one'],
    );
    assert.equal(
      (await repo.list(a.id, { tags: special, region: 'us-east-1' }, { limit: 10 })).items.length,
      0,
    );
  });

  it('stores ADMIN_API_KEY hashed, once, and revokes the previous one when it changes', async () => {
    const keys = new ApiKeysRepository(prisma);
    const audit = new AuditLog(prisma);
    const first = generateApiKey();
    const boot = (key: string) =>
      new AdminKeyBootstrap(
        { ADMIN_API_KEY: key } as AppConfig,
        keys,
        prisma,
        audit,
      ).onApplicationBootstrap();
    await boot(first.key);
    await boot(first.key);
    const rows = await env.prisma.apiKey.findMany({ where: { name: BOOTSTRAP_KEY_NAME } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].role, 'admin');
    assert.equal(rows[0].hash, first.hash);
    assert.equal(rows[0].tenantId, null);
    assert.equal(await env.prisma.auditEvent.count({ where: { action: 'api_key.bootstrap' } }), 1);

    const second = generateApiKey();
    await boot(second.key);
    const after = await env.prisma.apiKey.findMany({
      where: { name: BOOTSTRAP_KEY_NAME },
      orderBy: { createdAt: 'asc' },
    });
    assert.equal(after.length, 2);
    assert.ok(after.find((k) => k.hash === first.hash)?.revokedAt, 'the old bootstrap key is revoked');
    assert.equal(after.find((k) => k.hash === second.hash)?.revokedAt, null);
  });

  it('scrubs secret-looking fields from audit details', async () => {
    const audit = new AuditLog(prisma);
    await audit.record(null, {
      action: 'test.scrub',
      targetType: 'x',
      details: { name: 'n', key: 'tly_secret', nested: { token: 't', ok: 1 } },
    });
    const [row] = await env.prisma.auditEvent.findMany({ where: { action: 'test.scrub' } });
    assert.deepEqual(row.details, { name: 'n', nested: { ok: 1 } });
  });
});
