import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, RateLimitGuard, TenantAccessGuard } from '@tally/tenancy';

/**
 * A /v1 controller: API key auth (401), then the per-key rate limit (429), then the `:tenantId`
 * scope (404 for another tenant's, a malformed or a missing tenant).
 */
export function V1Controller(path: string, tag: string) {
  return applyDecorators(
    Controller(`v1/${path}`),
    UseGuards(ApiKeyGuard, RateLimitGuard, TenantAccessGuard),
    ApiBearerAuth(),
    ApiTags(tag),
  );
}
