import { Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { PageQuery, SyncRun, SyncRunList, SyncRunWithTasks } from '@tally/contract';
import type { Actor } from '@tally/tenancy';
import { CurrentActor } from '../common/actor.decorator';
import { EXAMPLE_AT, EXAMPLE_RUN } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { IdParam } from '../common/params';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { SyncsService } from './syncs.service';

@V1Controller('tenants/:tenantId/connections/:connectionId/syncs', 'syncs')
export class ConnectionSyncsController {
  constructor(private readonly syncs: SyncsService) {}

  @Post()
  @HttpCode(202)
  @ApiRoute({
    summary: 'Start a sync run now (reuses a queued or running one)',
    response: {
      status: 202,
      description: 'The run (queued, or the one already in progress)',
      schema: SyncRun,
      example: EXAMPLE_RUN,
    },
    errors: [404, 409],
  })
  request(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('connectionId', new IdParam('Connection')) id: string,
  ) {
    return this.syncs.request(actor, tenantId, id);
  }

  @Get()
  @ApiRoute({
    summary: "List a connection's sync runs, newest first",
    query: PageQuery,
    response: {
      status: 200,
      description: 'A page of runs',
      schema: SyncRunList,
      example: { items: [EXAMPLE_RUN], nextCursor: null },
    },
    errors: [400, 404],
  })
  list(
    @Param('tenantId') tenantId: string,
    @Param('connectionId', new IdParam('Connection')) id: string,
    @Query(new ZodPipe(PageQuery, 'query')) query: PageQuery,
  ) {
    return this.syncs.list(tenantId, id, query);
  }
}

@V1Controller('tenants/:tenantId/syncs', 'syncs')
export class SyncRunsController {
  constructor(private readonly syncs: SyncsService) {}

  @Get(':runId')
  @ApiRoute({
    summary: 'A sync run with its tasks: status, counts, durations and errors',
    response: {
      status: 200,
      description: 'The run',
      schema: SyncRunWithTasks,
      example: {
        ...EXAMPLE_RUN,
        status: 'partial',
        startedAt: EXAMPLE_AT,
        finishedAt: '2026-11-24T10:00:42.000Z',
        durationMs: 42000,
        tasksTotal: 2,
        tasksDone: 2,
        tasksFailed: 1,
        tasks: [
          {
            id: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
            accountId: '123456789012',
            region: 'us-east-1',
            resourceType: 'AWS::EC2::Instance',
            status: 'denied',
            attempts: 1,
            startedAt: EXAMPLE_AT,
            finishedAt: '2026-11-24T10:00:01.000Z',
            durationMs: 1000,
            pages: 0,
            resourcesSeen: 0,
            created: 0,
            updated: 0,
            deleted: 0,
            apiCalls: 1,
            error: {
              kind: 'customer',
              code: 'AccessDeniedException',
              message: 'The role may not call ec2:DescribeInstances. Redeploy the Tally stack.',
            },
          },
        ],
      },
    },
    errors: [404],
  })
  get(@Param('tenantId') tenantId: string, @Param('runId', new IdParam('Sync run')) runId: string) {
    return this.syncs.get(tenantId, runId);
  }
}
