import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey } from '@tally/db';
import { decodeCursor, idCursor, toPage, type Page, type PageRequest } from './pagination';

/** Only write lastUsedAt when it is older than this: one write per key per minute at most. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewApiKey {
  name: string;
  prefix: string;
  hash: string;
  expiresAt?: Date | null;
}

/** API keys. Tenant keys are always read and changed through their tenant. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key with this hash, whatever its tenant: authentication happens before any tenant is known. */
  findByHash(hash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { hash } });
  }

  createForTenant(tenantId: string, key: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: { ...key, tenantId, role: 'tenant' } });
  }

  /** Stores the bootstrap admin key once; a second start with the same key changes nothing. */
  async ensureAdmin(key: NewApiKey): Promise<{ key: ApiKey; created: boolean }> {
    const existing = await this.findByHash(key.hash);
    if (existing) return { key: existing, created: false };
    const created = await this.prisma.apiKey.upsert({
      where: { hash: key.hash },
      create: { ...key, role: 'admin', tenantId: null },
      update: {},
    });
    return { key: created, created: true };
  }

  findInTenant(tenantId: string, id: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { tenantId, id } });
  }

  async listForTenant(tenantId: string, page: PageRequest): Promise<Page<ApiKey>> {
    const after = page.cursor ? decodeCursor(page.cursor, idCursor).id : undefined;
    const rows = await this.prisma.apiKey.findMany({
      where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (k) => ({ id: k.id }));
  }

  /** Revokes a tenant's key; revoking twice keeps the first revocation time. */
  async revoke(tenantId: string, id: string, at = new Date()): Promise<ApiKey | null> {
    await this.prisma.apiKey.updateMany({
      where: { tenantId, id, revokedAt: null },
      data: { revokedAt: at },
    });
    return this.findInTenant(tenantId, id);
  }

  /** True when lastUsedAt is old enough to be worth a write. */
  isStale(key: Pick<ApiKey, 'lastUsedAt'>, now = Date.now()): boolean {
    return !key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
  }

  async touch(id: string, now = new Date()): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: {
        id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }],
      },
      data: { lastUsedAt: now },
    });
  }
}
