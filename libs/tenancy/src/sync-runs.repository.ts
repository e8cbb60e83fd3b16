import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { PrismaService, type SyncRun, type SyncTask } from '@tally/db';
import { decodeCursor, toPage, type Page, type PageRequest } from './pagination';

const runCursor = z.strictObject({ createdAt: z.iso.datetime(), id: z.uuid() });

export type SyncRunWithTasks = SyncRun & { tasks: SyncTask[] };

/** Sync runs as the API reads them (the sync lib writes them), always within one tenant. */
@Injectable()
export class SyncRunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A connection's runs, newest first. */
  async listForConnection(tenantId: string, connectionId: string, page: PageRequest): Promise<Page<SyncRun>> {
    const after = page.cursor ? decodeCursor(page.cursor, runCursor) : undefined;
    const at = after ? new Date(after.createdAt) : undefined;
    const rows = await this.prisma.syncRun.findMany({
      where: {
        tenantId,
        connectionId,
        ...(after && at ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, (r) => ({ createdAt: r.createdAt.toISOString(), id: r.id }));
  }

  /** One run with its tasks (ordered by account, region, type). */
  findWithTasks(tenantId: string, runId: string): Promise<SyncRunWithTasks | null> {
    return this.prisma.syncRun.findFirst({
      where: { tenantId, id: runId },
      include: {
        tasks: {
          where: { tenantId },
          orderBy: [{ accountId: 'asc' }, { region: 'asc' }, { resourceType: 'asc' }],
        },
      },
    });
  }

  find(tenantId: string, runId: string): Promise<SyncRun | null> {
    return this.prisma.syncRun.findFirst({ where: { tenantId, id: runId } });
  }

  /** The tenant's most recent run, if any. */
  latest(tenantId: string): Promise<SyncRun | null> {
    return this.prisma.syncRun.findFirst({
      where: { tenantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Each connection's latest run: what the summary's error counts are about. */
  async latestPerConnection(tenantId: string): Promise<SyncRun[]> {
    const rows = await this.prisma.syncRun.findMany({
      where: { tenantId },
      orderBy: [{ connectionId: 'asc' }, { createdAt: 'desc' }],
      distinct: ['connectionId'],
    });
    return rows;
  }
}
