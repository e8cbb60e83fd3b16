import type { z } from 'zod';
import type { ApiKey as ApiKeyRow } from '@tally/db';
import type { ApiKey } from '@tally/contract';

export type ApiKeyView = z.input<typeof ApiKey>;

/** Never includes the hash. */
export function toApiKeyView(k: ApiKeyRow): ApiKeyView {
  return {
    id: k.id,
    tenantId: k.tenantId,
    role: k.role,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
  };
}
