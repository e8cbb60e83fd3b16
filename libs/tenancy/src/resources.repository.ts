import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Resource, type ResourceChange } from '@tally/db';
import { decodeCursor, idCursor, toPage, type Page, type PageRequest } from './pagination';
import { searchCondition } from './resource-search';

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
    const where = this.byRawSql(filter)
      ? { tenantId, id: { in: await this.matchingIds(tenantId, filter, after, page.limit + 1) } }
      : { ...this.where(tenantId, filter), ...(after ? { id: { gt: after } } : {}) };
    const rows = await this.prisma.resource.findMany({ where, orderBy: { id: 'asc' }, take: page.limit + 1 });
    return toPage(rows, page.limit, (r) => ({ id: r.id }));
  }

  /**
   * Whether the page's ids come from raw SQL: `q` needs the search index's expression (see
   * resource-search.ts), and tags their GIN index (see byTagIndex); Prisma can write neither.
   */
  private byRawSql(f: ResourceFilter): boolean {
    return !!f.q || this.byTagIndex(f);
  }

  /**
   * Whether to find tagged rows through the GIN index on tags. Not when type, account and region are
   * all given: the unique (tenant, account, region, type, identifier) index then narrows the scan to
   * one sync cell, and the planner, which underestimates a common tag's GIN scan, would still
   * intersect it with that tag's whole posting list (136 ms vs 28 ms p50 at 1M rows).
   */
  private byTagIndex(f: ResourceFilter): boolean {
    return !!f.tags?.length && !(f.type && f.accountId && f.region);
  }

  /**
   * The page's ids under every filter, in raw SQL. A tag is the containment `tags @> '{"k":"v"}'`
   * (one per tag, all must hold), which the GIN (jsonb_path_ops) index on tags can serve, unlike
   * Prisma's `tags #> '{k}' = '"v"'`; when that index must not be used (byTagIndex) it is the
   * equivalent `tags -> 'k' = '"v"'`. Same filters, order and limit as the Prisma path.
   */
  private async matchingIds(
    tenantId: string,
    f: ResourceFilter,
    after: string | undefined,
    take: number,
  ): Promise<string[]> {
    const conds: Prisma.Sql[] = [Prisma.sql`tenant_id = ${tenantId}::uuid`];
    if (f.type) conds.push(Prisma.sql`type = ${f.type}`);
    if (f.accountId) conds.push(Prisma.sql`account_id = ${f.accountId}`);
    if (f.region) conds.push(Prisma.sql`region = ${f.region}`);
    if (!f.includeDeleted) conds.push(Prisma.sql`deleted_at IS NULL`);
    if (f.q) conds.push(searchCondition(f.q));
    const byIndex = this.byTagIndex(f);
    for (const tag of f.tags ?? [])
      conds.push(
        byIndex
          ? Prisma.sql`tags @> ${JSON.stringify({ [tag.key]: tag.value })}::jsonb`
          : Prisma.sql`tags -> ${tag.key}::text = ${JSON.stringify(tag.value)}::jsonb`,
      );
    if (after) conds.push(Prisma.sql`id > ${after}::uuid`);
    // Orders by the uuid column itself (an output alias `id` would sort the text and skip the index).
    const rows = await this.prisma.$queryRaw<{ rid: string }[]>`
      SELECT r.id::text AS rid FROM resources r WHERE ${Prisma.join(conds, ' AND ')} ORDER BY r.id LIMIT ${take}`;
    return rows.map((r) => r.rid);
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
    // `q` never comes here (byRawSql).
    const and: Prisma.ResourceWhereInput[] = [];
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
