import { Injectable } from '@nestjs/common';
import { PrismaService, type Tenant } from '@tally/db';
import { decodeCursor, idCursor, toPage, type Page, type PageRequest } from './pagination';

/** Tenants. Tenants are the scope itself, so only the admin-wide list is unscoped. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(name: string): Promise<Tenant> {
    return this.prisma.tenant.create({ data: { name } });
  }

  findById(tenantId: string): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { id: tenantId } });
  }

  /** Every tenant (admins), or only `onlyId` (tenant keys), in id order. */
  async list(page: PageRequest, onlyId?: string): Promise<Page<Tenant>> {
    const after = page.cursor ? decodeCursor(page.cursor, idCursor).id : undefined;
    const rows = await this.prisma.tenant.findMany({
      where: { id: { ...(onlyId ? { equals: onlyId } : {}), ...(after ? { gt: after } : {}) } },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (t) => ({ id: t.id }));
  }
}
