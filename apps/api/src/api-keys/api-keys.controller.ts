import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiKeyList, CreateApiKey, CreatedApiKey, PageQuery } from '@tally/contract';
import type { Actor } from '@tally/tenancy';
import { CurrentActor } from '../common/actor.decorator';
import { EXAMPLE_AT, EXAMPLE_TENANT_ID } from '../common/examples';
import { ApiRoute } from '../common/openapi';
import { IdParam } from '../common/params';
import { V1Controller } from '../common/v1-controller.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { ApiKeysService } from './api-keys.service';

const EXAMPLE_KEY = {
  id: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  tenantId: EXAMPLE_TENANT_ID,
  role: 'tenant',
  name: 'CI inventory export',
  prefix: 'tly_Qm9vX2Jh',
  createdAt: EXAMPLE_AT,
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
};

@V1Controller('tenants/:tenantId/api-keys', 'api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Create a tenant API key (the secret is returned once)',
    body: {
      schema: CreateApiKey,
      example: { name: 'CI inventory export', expiresAt: '2027-06-30T00:00:00Z' },
    },
    response: {
      status: 201,
      description: 'The key, with its secret',
      schema: CreatedApiKey,
      example: { ...EXAMPLE_KEY, key: 'tly_Qm9vX2JhcnJ5X3dhc19oZXJlX2FuZF9ub3dfaXRzX2dvbmU' },
    },
    errors: [400, 404, 413, 415],
  })
  create(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Body(new ZodPipe(CreateApiKey, 'body')) body: CreateApiKey,
  ) {
    return this.keys.create(actor, tenantId, body);
  }

  @Get()
  @ApiRoute({
    summary: "List a tenant's API keys (never their secrets)",
    query: PageQuery,
    response: {
      status: 200,
      description: 'A page of keys',
      schema: ApiKeyList,
      example: { items: [EXAMPLE_KEY], nextCursor: null },
    },
    errors: [400, 404],
  })
  list(@Param('tenantId') tenantId: string, @Query(new ZodPipe(PageQuery, 'query')) query: PageQuery) {
    return this.keys.list(tenantId, query);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiRoute({
    summary: 'Revoke an API key (idempotent)',
    response: { status: 204, description: 'Revoked' },
    errors: [404],
  })
  revoke(
    @CurrentActor() actor: Actor,
    @Param('tenantId') tenantId: string,
    @Param('keyId', new IdParam('API key')) keyId: string,
  ) {
    return this.keys.revoke(actor, tenantId, keyId);
  }
}
