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
