import type { z } from 'zod';
import type { Tenant as TenantRow } from '@tally/db';
import type { Tenant } from '@tally/contract';

export type TenantView = z.input<typeof Tenant>;

/** The tenant as the API answers it. */
export function toTenantView(t: TenantRow): TenantView {
  return { id: t.id, name: t.name, createdAt: t.createdAt, updatedAt: t.updatedAt };
}
