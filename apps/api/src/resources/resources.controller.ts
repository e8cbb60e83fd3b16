import { Get, Param, Query } from '@nestjs/common';
import { ResourceList, ResourceQuery, ResourceWithChanges, Summary } from '@tally/contract';
import { EXAMPLE_AT, EXAMPLE_RESOURCE, EXAMPLE_RUN } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { IdParam } from '../common/params';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ResourcesService } from './resources.service';

@V1Controller('tenants/:tenantId', 'inventory')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get('resources')
  @ApiRoute({
    summary: 'List resources (filters: type, accountId, region, q, tag=k:v repeatable, includeDeleted)',
    description:
      'Ordered by id; pass `nextCursor` back as `cursor` for the next page (`limit` ≤ 500, default 100).',
    query: ResourceQuery,
    response: {
      status: 200,
      description: 'A page of resources',
      schema: ResourceList,
      example: { items: [EXAMPLE_RESOURCE], nextCursor: null },
    },
    errors: [400, 404],
  })
  list(
    @Param('tenantId') tenantId: string,
    @Query(new ZodPipe(ResourceQuery, 'query')) query: ResourceQuery,
  ) {
    return this.resources.list(tenantId, query);
  }

  @Get('resources/:resourceId')
  @ApiRoute({
    summary: 'A resource with its change history (newest first)',
    response: {
      status: 200,
      description: 'The resource',
      schema: ResourceWithChanges,
      example: {
        ...EXAMPLE_RESOURCE,
        changes: [{ kind: 'created', at: EXAMPLE_AT, runId: EXAMPLE_RUN.id, changedFields: [] }],
      },
    },
    errors: [404],
  })
  get(@Param('tenantId') tenantId: string, @Param('resourceId', new IdParam('Resource')) id: string) {
    return this.resources.get(tenantId, id);
  }

  @Get('summary')
  @ApiRoute({
    summary: 'Inventory counts by type, account and region; last and next run; error counts',
    response: {
      status: 200,
      description: 'The summary',
      schema: Summary,
      example: {
        resources: {
          total: 3,
          byType: { 'AWS::S3::Bucket': 3 },
          byAccount: { '123456789012': 3 },
          byRegion: { 'eu-west-1': 3 },
        },
        connections: { total: 1, paused: 0, byStatus: { active: 1 } },
        lastRun: { ...EXAMPLE_RUN, status: 'succeeded' },
        nextRunAt: '2026-11-24T11:00:00.000Z',
        errors: { connections: 0, failedRuns: 0, failedTasks: 0 },
      },
    },
    errors: [404],
  })
  summary(@Param('tenantId') tenantId: string) {
    return this.resources.summary(tenantId);
  }
}
