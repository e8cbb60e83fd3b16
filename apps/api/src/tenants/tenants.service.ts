import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@tally/common';
import {
  AuditLog,
  ForbiddenError,
  TenantsRepository,
  type Actor,
  type Page,
  type PageRequest,
} from '@tally/tenancy';
import type { CreateTenant } from '@tally/contract';
import { toTenantView, type TenantView } from './tenants.dto';

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditLog,
  ) {}

  /** Admins only: a tenant key cannot make tenants. */
  async create(actor: Actor, input: CreateTenant): Promise<TenantView> {
    if (actor.principal.role !== 'admin') throw new ForbiddenError('Only admin keys can create tenants.');
    const tenant = await this.tenants.create(input.name);
    await this.audit.record(actor, {
      action: 'tenant.create',
      targetType: 'tenant',
      targetId: tenant.id,
      tenantId: tenant.id,
      details: { name: tenant.name },
    });
    return toTenantView(tenant);
  }

  /** Admins see every tenant; a tenant key sees its own. */
  async list(actor: Actor, page: PageRequest): Promise<Page<TenantView>> {
    const { role, tenantId } = actor.principal;
    if (role !== 'admin' && !tenantId) return { items: [], nextCursor: null };
    const result = await this.tenants.list(page, role === 'admin' ? undefined : tenantId);
    return { items: result.items.map(toTenantView), nextCursor: result.nextCursor };
  }

  /** Access was checked by TenantAccessGuard. */
  async get(tenantId: string): Promise<TenantView> {
    const tenant = await this.tenants.findById(tenantId);
    if (!tenant) throw new NotFoundError('Tenant');
    return toTenantView(tenant);
  }
}
