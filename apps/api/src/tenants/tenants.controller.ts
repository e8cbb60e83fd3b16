import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CreateTenant, PageQuery, Tenant, TenantList } from '@tally/contract';
import type { Actor } from '@tally/tenancy';
import { CurrentActor } from '../common/actor.decorator';
import { EXAMPLE_TENANT } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { TenantsService } from './tenants.service';

@V1Controller('tenants', 'tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Create a tenant (admin keys only)',
    body: { schema: CreateTenant, example: { name: 'Acme Corp' } },
    response: { status: 201, description: 'The tenant', schema: Tenant, example: EXAMPLE_TENANT },
    errors: [400, 403, 413, 415],
  })
  create(@CurrentActor() actor: Actor, @Body(new ZodPipe(CreateTenant, 'body')) body: CreateTenant) {
    return this.tenants.create(actor, body);
  }

  @Get()
  @ApiRoute({
    summary: 'List tenants (admin: all; tenant key: its own)',
    query: PageQuery,
    response: {
      status: 200,
      description: 'A page of tenants',
      schema: TenantList,
      example: { items: [EXAMPLE_TENANT], nextCursor: null },
    },
    errors: [400],
  })
  list(@CurrentActor() actor: Actor, @Query(new ZodPipe(PageQuery, 'query')) query: PageQuery) {
    return this.tenants.list(actor, query);
  }

  @Get(':tenantId')
  @ApiRoute({
    summary: 'Get a tenant',
    response: { status: 200, description: 'The tenant', schema: Tenant, example: EXAMPLE_TENANT },
    errors: [404],
  })
  get(@Param('tenantId') tenantId: string) {
    return this.tenants.get(tenantId);
  }
}
