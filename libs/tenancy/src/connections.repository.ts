import { Injectable } from '@nestjs/common';
import { PrismaService, type Connection, type Prisma } from '@tally/db';
import { decodeCursor, idCursor, toPage, type Page, type PageRequest } from './pagination';

export type NewConnection = Omit<Prisma.ConnectionUncheckedCreateInput, 'tenantId' | 'id'>;
export type ConnectionChanges = Pick<
  Prisma.ConnectionUncheckedUpdateInput,
  | 'name'
  | 'regions'
  | 'resourceTypes'
  | 'syncIntervalMinutes'
  | 'paused'
  | 'nextSyncAt'
  | 'homeRegion'
  | 'liveEvents'
>;
export interface VerificationOutcome {
  status: Connection['status'];
  statusMessage: string | null;
  verification: Prisma.InputJsonValue;
  verifiedAt: Date;
  nextSyncAt?: Date | null;
}

export interface ConnectionSummary {
  total: number;
  paused: number;
  byStatus: Partial<Record<Connection['status'], number>>;
  nextSyncAt: Date | null;
}

/** Connections, always within one tenant. */
@Injectable()
export class ConnectionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tenantId: string, data: NewConnection): Promise<Connection> {
    return this.prisma.connection.create({ data: { ...data, tenantId } });
  }

  find(tenantId: string, id: string): Promise<Connection | null> {
    return this.prisma.connection.findFirst({ where: { tenantId, id } });
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Connection>> {
    const after = page.cursor ? decodeCursor(page.cursor, idCursor).id : undefined;
    const rows = await this.prisma.connection.findMany({
      where: { tenantId, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (c) => ({ id: c.id }));
  }

  async update(tenantId: string, id: string, changes: ConnectionChanges): Promise<Connection | null> {
    const { count } = await this.prisma.connection.updateMany({ where: { tenantId, id }, data: changes });
    return count ? this.find(tenantId, id) : null;
  }

  async recordVerification(
    tenantId: string,
    id: string,
    outcome: VerificationOutcome,
  ): Promise<Connection | null> {
    const { count } = await this.prisma.connection.updateMany({ where: { tenantId, id }, data: outcome });
    return count ? this.find(tenantId, id) : null;
  }

  /** Counts by status, how many are paused, and when the next scheduled run is due. */
  async summary(tenantId: string): Promise<ConnectionSummary> {
    const [byStatus, paused, next] = await Promise.all([
      this.prisma.connection.groupBy({
        by: ['status'],
        where: { tenantId },
        _count: { _all: true },
        orderBy: { status: 'asc' },
      }),
      this.prisma.connection.count({ where: { tenantId, paused: true } }),
      this.prisma.connection.aggregate({
        where: { tenantId, status: 'active', paused: false, nextSyncAt: { not: null } },
        _min: { nextSyncAt: true },
      }),
    ]);
    return {
      total: byStatus.reduce((n, g) => n + g._count._all, 0),
      paused,
      byStatus: Object.fromEntries(byStatus.map((g) => [g.status, g._count._all])),
      nextSyncAt: next._min.nextSyncAt ?? null,
    };
  }

  /**
   * Deletes the connection with its inventory (resources, their changes, runs, tasks, accounts)
   * in one transaction. The foreign keys cascade too; being explicit keeps it obvious and scoped.
   */
  async deleteWithInventory(tenantId: string, id: string): Promise<{ resources: number } | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.connection.findFirst({ where: { tenantId, id }, select: { id: true } });
      if (!found) return null;
      await tx.resourceChange.deleteMany({ where: { tenantId, resource: { connectionId: id } } });
      const resources = await tx.resource.deleteMany({ where: { tenantId, connectionId: id } });
      await tx.syncTask.deleteMany({ where: { tenantId, run: { connectionId: id } } });
      await tx.syncRun.deleteMany({ where: { tenantId, connectionId: id } });
      await tx.account.deleteMany({ where: { tenantId, connectionId: id } });
      await tx.connection.deleteMany({ where: { tenantId, id } });
      return { resources: resources.count };
    });
  }
}
