import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { NotFoundError } from '@tally/common';
import { MAX_PREVIEW_RESOURCES, type MappingPreview, type MappingPreviewRequest } from '@tally/contract';
import { PrismaService, type PrismaClient, type Resource } from '@tally/db';
import {
  closeSharedJqPool,
  previewMapping,
  sampleAccount,
  sampleResources,
  type MappableResource,
} from '@tally/mapping';
import type { z } from 'zod';

/** Samples a preview maps when the tenant has no resource yet: every resource type and an account. */
const SAMPLE_COUNT = 10;

/** Mappings in the api: previewed against the tenant's resources (destinations compile theirs when saved). */
@Injectable()
export class MappingsService implements OnApplicationShutdown {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** The entities and per-entity errors a mapping gives for chosen, the first, or sample resources. */
  async preview(tenantId: string, req: MappingPreviewRequest): Promise<z.input<typeof MappingPreview>> {
    const rows = req.resourceIds
      ? await this.chosen(tenantId, req.resourceIds)
      : await this.prisma.resource.findMany({
          where: { tenantId, deletedAt: null },
          orderBy: { id: 'asc' },
          take: MAX_PREVIEW_RESOURCES,
        });
    const input: MappableResource[] = rows.length
      ? rows.map((r) => ({
          type: r.type,
          identifier: r.identifier,
          region: r.region,
          accountId: r.accountId,
          properties: r.properties as Record<string, unknown>,
        }))
      : [...sampleResources(SAMPLE_COUNT), sampleAccount()];
    const result = await previewMapping(req.mapping, input);
    return {
      input: rows.length ? 'tenant' : 'samples',
      entities: result.entities.map((e) => ({ ...e, resourceId: rows[e.index]?.id ?? null })),
      errors: result.errors,
    };
  }

  /** The tenant's resources of `ids`, in that order; any other id is a 404 like a missing one. */
  private async chosen(tenantId: string, ids: string[]): Promise<Resource[]> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const rows = await this.prisma.resource.findMany({ where: { tenantId, id: { in: unique } } });
    if (rows.length !== unique.length) throw new NotFoundError('Resource');
    const byId = new Map(rows.map((r) => [r.id, r]));
    return unique.map((id) => byId.get(id)!);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeSharedJqPool();
  }
}
