import { Body, Delete, Get, Header, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { parseDocument } from 'yaml';
import {
  CreateDestination,
  CreatedDestination,
  DeliveryList,
  DeliveryQuery,
  Destination,
  DestinationList,
  DestinationTestResult,
  PageQuery,
  ReplayDestination,
  RotatedSecret,
  UpdateDestination,
} from '@tally/contract';
import { CFN_TAGS } from '@tally/common';
import { DestinationsService } from '@tally/delivery';
import { AuditLog, type Actor } from '@tally/tenancy';
import { CurrentActor } from '../common/actor.decorator';
import { EXAMPLE_AT } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { IdParam } from '../common/params';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';

const EXAMPLE_DESTINATION = {
  id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  name: 'inventory webhook',
  kind: 'webhook',
  config: { url: 'https://hooks.example.com/tally' },
  filter: { types: ['AWS::S3::Bucket'] },
  mapping: null,
  backfill: false,
  backfillPending: false,
  status: 'active',
  lastError: null,
  cursor: 'c1_NDI',
  lag: { changes: 0, seconds: 0 },
  delivered: 42,
  attempts: 0,
  nextAttemptAt: null,
  lastSuccessAt: EXAMPLE_AT,
  createdAt: EXAMPLE_AT,
  updatedAt: EXAMPLE_AT,
};
const EXAMPLE_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

@V1Controller('tenants/:tenantId/destinations', 'destinations')
export class DestinationsController {
  constructor(
    @Inject(DestinationsService) private readonly destinations: DestinationsService,
    private readonly audit: AuditLog,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Create a destination (a webhook answer holds its signing secret, once)',
    description:
      'Delivers every change from now on (after the current inventory with `backfill`). A mapping is ' +
      'compiled first: a 400 names the kind, field and jq error.',
    body: {
      schema: CreateDestination,
      example: {
        name: 'inventory webhook',
        kind: 'webhook',
        config: { url: 'https://hooks.example.com/tally' },
        filter: { types: ['AWS::S3::Bucket'] },
      },
    },
    response: {
      status: 201,
      description: 'The destination, with any secret it generated',
      schema: CreatedDestination,
      example: { ...EXAMPLE_DESTINATION, secret: EXAMPLE_SECRET },
    },
    errors: [400, 404, 413, 415],
  })
  async create(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Body(new ZodPipe(CreateDestination, 'body')) body: CreateDestination,
  ) {
    const { destination, secret } = await this.destinations.createDestination(tenantId, body);
    await this.record(actor, tenantId, 'destination.create', destination.id, {
      name: destination.name,
      kind: destination.kind,
    });
    return { ...destination, ...(secret ? { secret } : {}) };
  }

  @Get()
  @ApiRoute({
    summary: "List a tenant's destinations with status and lag (never their secrets)",
    query: PageQuery,
    response: {
      status: 200,
      description: 'A page of destinations',
      schema: DestinationList,
      example: { items: [EXAMPLE_DESTINATION], nextCursor: null },
    },
    errors: [400, 404],
  })
  list(@Param('tenantId') tenantId: string, @Query(new ZodPipe(PageQuery, 'query')) query: PageQuery) {
    return this.destinations.listDestinations(tenantId, query);
  }

  @Get(':destinationId')
  @ApiRoute({
    summary: 'A destination with its status, last error and lag',
    response: {
      status: 200,
      description: 'The destination',
      schema: Destination,
      example: EXAMPLE_DESTINATION,
    },
    errors: [404],
  })
  get(@Param('tenantId') tenantId: string, @Param('destinationId', new IdParam('Destination')) id: string) {
    return this.destinations.getDestination(tenantId, id);
  }

  @Patch(':destinationId')
  @ApiRoute({
    summary: 'Change a destination: name, config, filter, mapping, or pause / resume',
    body: { schema: UpdateDestination, example: { status: 'paused' } },
    response: {
      status: 200,
      description: 'The destination',
      schema: Destination,
      example: { ...EXAMPLE_DESTINATION, status: 'paused' },
    },
    errors: [400, 404, 413, 415],
  })
  async update(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('destinationId', new IdParam('Destination')) id: string,
    @Body(new ZodPipe(UpdateDestination, 'body')) body: UpdateDestination,
  ) {
    const destination = await this.destinations.updateDestination(tenantId, id, body);
    await this.record(actor, tenantId, 'destination.update', id, { fields: Object.keys(body) });
    return destination;
  }

  @Delete(':destinationId')
  @HttpCode(204)
  @ApiRoute({
    summary: 'Delete a destination (its undelivered backlog is dropped)',
    response: { status: 204, description: 'Deleted' },
    errors: [404],
  })
  async remove(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('destinationId', new IdParam('Destination')) id: string,
  ) {
    await this.destinations.deleteDestination(tenantId, id);
    await this.record(actor, tenantId, 'destination.delete', id);
  }

  @Get(':destinationId/cloudformation')
  @Header('Content-Type', 'application/x-yaml; charset=utf-8')
  @ApiRoute({
    summary: "An sqs destination's delivery role template (YAML, parameter defaults filled in)",
    description:
      'Deploy it in the account of the queue: it makes the role Tally assumes with web identity, ' +
      'trusting only this destination, so no AWS key is handed over.',
    response: {
      status: 200,
      description: 'The template',
      contentType: 'application/x-yaml',
      example:
        'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  IssuerHost:\n    Type: String\n    Default: tally.example.com\n…',
    },
    errors: [400, 404],
  })
  async template(
    @Param('tenantId') tenantId: string,
    @Param('destinationId', new IdParam('Destination')) id: string,
  ) {
    const { template, parameters } = await this.destinations.cloudformation(tenantId, id);
    const doc = parseDocument(template, { customTags: CFN_TAGS });
    for (const [name, value] of Object.entries(parameters)) doc.setIn(['Parameters', name, 'Default'], value);
    return doc.toString();
  }

  @Post(':destinationId/test')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Send one test message now and answer its outcome (delivery state untouched)',
    response: {
      status: 200,
      description: 'The outcome',
      schema: DestinationTestResult,
      example: { ok: false, error: 'The receiver answered 401 Unauthorized', durationMs: 84 },
    },
    errors: [404],
  })
  test(@Param('tenantId') tenantId: string, @Param('destinationId', new IdParam('Destination')) id: string) {
    return this.destinations.test(tenantId, id);
  }

  @Post(':destinationId/replay')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Re-send from a cursor (`after`) or a time (`since`); resumes a paused destination',
    body: { schema: ReplayDestination, example: { since: '2026-11-24T00:00:00Z' } },
    response: {
      status: 200,
      description: 'The destination',
      schema: Destination,
      example: EXAMPLE_DESTINATION,
    },
    errors: [400, 404, 410, 413, 415],
  })
  async replay(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('destinationId', new IdParam('Destination')) id: string,
    @Body(new ZodPipe(ReplayDestination, 'body')) body: ReplayDestination,
  ) {
    const destination = await this.destinations.replay(tenantId, id, body);
    await this.record(actor, tenantId, 'destination.replay', id, {
      after: body.after,
      since: body.since,
    });
    return destination;
  }

  @Post(':destinationId/rotate-secret')
  @HttpCode(200)
  @ApiRoute({
    summary: 'A new webhook signing secret (answered once); the old one keeps signing during the overlap',
    response: {
      status: 200,
      description: 'The new secret',
      schema: RotatedSecret,
      example: { secret: EXAMPLE_SECRET, previousExpiresAt: EXAMPLE_AT },
    },
    errors: [400, 404],
  })
  async rotateSecret(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('destinationId', new IdParam('Destination')) id: string,
  ) {
    const rotated = await this.destinations.rotateSecret(tenantId, id);
    await this.record(actor, tenantId, 'destination.rotate_secret', id);
    return rotated;
  }

  @Get(':destinationId/deliveries')
  @ApiRoute({
    summary: 'Recent delivery attempts with their outcome and error, newest first',
    query: DeliveryQuery,
    response: {
      status: 200,
      description: 'The attempts',
      schema: DeliveryList,
      example: {
        items: [
          {
            id: '5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a',
            at: EXAMPLE_AT,
            outcome: 'failed',
            changes: 3,
            delivered: 0,
            firstCursor: 'c1_NDA',
            lastCursor: 'c1_NDI',
            durationMs: 5003,
            error: 'The receiver did not answer within 5 s',
          },
        ],
      },
    },
    errors: [400, 404],
  })
  async deliveries(
    @Param('tenantId') tenantId: string,
    @Param('destinationId', new IdParam('Destination')) id: string,
    @Query(new ZodPipe(DeliveryQuery, 'query')) query: DeliveryQuery,
  ) {
    return { items: await this.destinations.listDeliveries(tenantId, id, query.limit) };
  }

  private record(
    actor: Actor,
    tenantId: string,
    action: string,
    targetId: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(actor, { action, targetType: 'destination', targetId, tenantId, details });
  }
}
