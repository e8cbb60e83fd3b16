import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@tally/common';
import { ConnectionsRepository, ResourcesRepository, SyncRunsRepository } from '@tally/tenancy';
import { toRunView } from '../syncs/syncs.dto';
import type { ResourceQuery } from '@tally/contract';
import { toChangeView, toResourceView } from './resources.dto';

@Injectable()
export class ResourcesService {
  constructor(
    private readonly resources: ResourcesRepository,
    private readonly connections: ConnectionsRepository,
    private readonly runs: SyncRunsRepository,
  ) {}

  async list(tenantId: string, query: ResourceQuery) {
    const { limit, cursor, tag, ...filter } = query;
    const page = await this.resources.list(tenantId, { ...filter, tags: tag }, { limit, cursor });
    return { items: page.items.map(toResourceView), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string) {
    const resource = await this.resources.find(tenantId, id);
    if (!resource) throw new NotFoundError('Resource');
    return { ...toResourceView(resource), changes: resource.changes.map(toChangeView) };
  }

  /** Inventory counts, connection health, the last run, the next scheduled run and error counts. */
  async summary(tenantId: string) {
    const [resources, connections, lastRun, latest] = await Promise.all([
      this.resources.counts(tenantId),
      this.connections.summary(tenantId),
      this.runs.latest(tenantId),
      this.runs.latestPerConnection(tenantId),
    ]);
    return {
      resources,
      connections: { total: connections.total, paused: connections.paused, byStatus: connections.byStatus },
      lastRun: lastRun ? toRunView(lastRun) : null,
      nextRunAt: connections.nextSyncAt,
      errors: {
        connections: (connections.byStatus.error ?? 0) + (connections.byStatus.insecure ?? 0),
        failedRuns: latest.filter((r) => r.status === 'failed' || r.status === 'partial').length,
        failedTasks: latest.reduce((n, r) => n + r.tasksFailed, 0),
      },
    };
  }
}
