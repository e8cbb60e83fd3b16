import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma, type Resource, type ResourceChange } from '@tally/db';
import { decodeCursor, idCursor, toPage, type Page, type PageRequest } from './pagination';

export interface ResourceFilter {
  type?: string;
  accountId?: string;
  region?: string;
  /** Substring of the name, identifier or ARN (case-insensitive). */
  q?: string;
  /** Every pair must match. */
  tags?: Array<{ key: string; value: string }>;
  includeDeleted?: boolean;
}

export type ResourceWithChanges = Resource & { changes: ResourceChange[] };

/** Most changes a resource's detail carries. */
const MAX_CHANGES = 200;

export interface ResourceCounts {
  total: number;
  byType: Record<string, number>;
  byAccount: Record<string, number>;
  byRegion: Record<string, number>;
}

/** The inventory as the API reads it, always within one tenant, in id order. */
@Injectable()
export class ResourcesRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, filter: ResourceFilter, page: PageRequest): Promise<Page<Resource>> {
    const after = page.cursor ? decodeCursor(page.cursor, idCursor).id : undefined;
    const rows = await this.prisma.resource.findMany({
      where: { ...this.where(tenantId, filter), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (r) => ({ id: r.id }));
  }

  /** One resource with its changes, newest first. */
  find(tenantId: string, id: string): Promise<ResourceWithChanges | null> {
    return this.prisma.resource.findFirst({
      where: { tenantId, id },
      include: {
        changes: { where: { tenantId }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: MAX_CHANGES },
      },
    });
  }

  /** Counts of live (not deleted) resources by type, account and region. */
  async counts(tenantId: string): Promise<ResourceCounts> {
    const where = { tenantId, deletedAt: null };
    const [total, byType, byAccount, byRegion] = await Promise.all([
      this.prisma.resource.count({ where }),
      this.prisma.resource.groupBy({ by: ['type'], where, _count: { _all: true }, orderBy: { type: 'asc' } }),
      this.prisma.resource.groupBy({
        by: ['accountId'],
        where,
        _count: { _all: true },
        orderBy: { accountId: 'asc' },
      }),
      this.prisma.resource.groupBy({
        by: ['region'],
        where,
        _count: { _all: true },
        orderBy: { region: 'asc' },
      }),
    ]);
    return {
      total,
      byType: Object.fromEntries(byType.map((g) => [g.type, g._count._all])),
      byAccount: Object.fromEntries(byAccount.map((g) => [g.accountId, g._count._all])),
      byRegion: Object.fromEntries(byRegion.map((g) => [g.region, g._count._all])),
    };
  }

  private where(tenantId: string, f: ResourceFilter): Prisma.ResourceWhereInput {
    const and: Prisma.ResourceWhereInput[] = [];
    if (f.q) {
      const contains = { contains: f.q, mode: 'insensitive' as const };
      and.push({ OR: [{ name: contains }, { identifier: contains }, { arn: contains }] });
    }
    for (const tag of f.tags ?? []) and.push({ tags: { path: [tag.key], equals: tag.value } });
    return {
      tenantId,
      ...(f.type ? { type: f.type } : {}),
      ...(f.accountId ? { accountId: f.accountId } : {}),
      ...(f.region ? { region: f.region } : {}),
      ...(f.includeDeleted ? {} : { deletedAt: null }),
      ...(and.length ? { AND: and } : {}),
    };
  }
}
