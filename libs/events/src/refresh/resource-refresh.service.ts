import { Inject, Injectable } from '@nestjs/common';
import {
  AwsCredentialsService,
  CloudControlCollector,
  isSupportedResourceType,
  getResourceType,
} from '@tally/aws';
import { PrismaService, type PrismaClient } from '@tally/db';
import type { JobPayloads } from '@tally/jobs';
import { ResourceRefreshRepository, type ObservationOutcome } from './resource-refresh.repository';

export type RefreshJob = JobPayloads['events.refresh'];

/** What one refresh did: the observation's outcome, or why nothing was asked. */
export type RefreshOutcome = ObservationOutcome | 'skipped';

/**
 * One targeted refresh: GetResource (paced with the syncs of the same account and region) → upsert
 * with an `event` change, or deleted when Cloud Control says it does not exist. Access denied,
 * throttling and other failures throw (the job retries) and never delete anything.
 */
@Injectable()
export class ResourceRefreshService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    private readonly collector: CloudControlCollector,
    private readonly credentials: AwsCredentialsService,
    private readonly observations: ResourceRefreshRepository,
  ) {}

  async refresh(job: RefreshJob): Promise<RefreshOutcome> {
    const connection = await this.prisma.connection.findFirst({
      where: { tenantId: job.tenantId, id: job.connectionId },
      select: { id: true, roleName: true, resourceTypes: true, status: true },
    });
    // Deleted, not verified, or no longer collecting this type: the event is stale news.
    if (!connection || connection.status !== 'active') return 'skipped';
    // No types listed = every supported type (as the sync plans it).
    const collected = !connection.resourceTypes.length || connection.resourceTypes.includes(job.type);
    if (!isSupportedResourceType(job.type) || !collected) return 'skipped';
    const def = getResourceType(job.type);
    const assume = {
      tenantId: job.tenantId,
      connectionId: connection.id,
      accountId: job.accountId,
      roleName: connection.roleName,
    };
    const observed = await this.collector.getOne(
      {
        def,
        accountId: job.accountId,
        region: job.region,
        credentials: this.credentials.forAccount(assume),
        // The sync's key: same SDK client, same pacer for this (account, region).
        credentialsKey: `${job.tenantId}/${connection.id}/${job.accountId}/${connection.roleName}`,
      },
      job.identifier,
    );
    const scope = { ...job, observedAt: observed.observedAt };
    return observed.resource
      ? this.observations.found(scope, observed.resource)
      : this.observations.gone(scope);
  }
}
