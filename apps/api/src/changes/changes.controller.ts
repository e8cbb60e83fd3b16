import { Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ChangePage, ChangeQuery } from '@tally/contract';
import { ChangeFeedService } from '@tally/delivery';
import { clientGone } from '../common/client-gone';
import { EXAMPLE_AT, EXAMPLE_RESOURCE } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';

const EXAMPLE_CHANGE = {
  id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  cursor: 'c1_NDI',
  kind: 'updated',
  at: EXAMPLE_AT,
  source: 'event',
  runId: null,
  eventId: '6b2f4c1e-0d3a-4e5f-9a8b-7c6d5e4f3a2b',
  changedFields: ['Tags'],
  resource: EXAMPLE_RESOURCE,
};

@V1Controller('tenants/:tenantId', 'changes')
export class ChangesController {
  constructor(@Inject(ChangeFeedService) private readonly feed: ChangeFeedService) {}

  @Get('changes')
  @ApiRoute({
    summary: 'The change feed: every created, updated and deleted resource, in commit order',
    description:
      'Pass `nextCursor` back as `after`; it is there even when the page is empty. `waitSeconds` ' +
      '(0-20) long-polls: with nothing new the answer comes as soon as a change commits. A cursor older ' +
      'than retention is a 410 whose `oldestCursor` says where to resume (after re-reading /resources).',
    query: ChangeQuery,
    response: {
      status: 200,
      description: 'A page of changes, oldest first',
      schema: ChangePage,
      example: { items: [EXAMPLE_CHANGE], nextCursor: 'c1_NDI' },
    },
    errors: [400, 404, 410],
  })
  list(
    @Param('tenantId') tenantId: string,
    @Query(new ZodPipe(ChangeQuery, 'query')) query: ChangeQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.feed.listChanges(tenantId, query, clientGone(res));
  }
}
