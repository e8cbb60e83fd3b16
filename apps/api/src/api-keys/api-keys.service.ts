import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@tally/common';
import {
  ApiKeysRepository,
  AuditLog,
  generateApiKey,
  type Actor,
  type Page,
  type PageRequest,
} from '@tally/tenancy';
import type { CreateApiKey } from '@tally/contract';
import { toApiKeyView, type ApiKeyView } from './api-keys.dto';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditLog,
  ) {}

  /** Makes a tenant key; the secret is in this answer only. */
  async create(actor: Actor, tenantId: string, input: CreateApiKey): Promise<ApiKeyView & { key: string }> {
    const { key, prefix, hash } = generateApiKey();
    const stored = await this.keys.createForTenant(tenantId, {
      name: input.name,
      prefix,
      hash,
      expiresAt: input.expiresAt ?? null,
    });
    await this.audit.record(actor, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: stored.id,
      tenantId,
      details: { name: stored.name, prefix, expiresAt: stored.expiresAt },
    });
    return { ...toApiKeyView(stored), key };
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ApiKeyView>> {
    const result = await this.keys.listForTenant(tenantId, page);
    return { items: result.items.map(toApiKeyView), nextCursor: result.nextCursor };
  }

  /** Revokes at once; revoking a revoked key is a no-op (no second audit event). */
  async revoke(actor: Actor, tenantId: string, id: string): Promise<void> {
    const before = await this.keys.findInTenant(tenantId, id);
    if (!before) throw new NotFoundError('API key');
    if (before.revokedAt) return;
    await this.keys.revoke(tenantId, id);
    await this.audit.record(actor, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: id,
      tenantId,
      details: { name: before.name, prefix: before.prefix },
    });
  }
}
