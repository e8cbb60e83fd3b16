import { z } from 'zod';
import type { Tenant } from '@tally/db';
import { named } from '../common/openapi';
import { text } from '../common/params';

export const CreateTenant = named(
  'CreateTenant',
  z.strictObject({
    name: text(200),
  }),
  'input',
);
export type CreateTenant = z.output<typeof CreateTenant>;

const at = z.iso.datetime();
named('Tenant', z.object({ id: z.uuid(), name: z.string(), createdAt: at, updatedAt: at }));
named(
  'TenantList',
  z.object({
    items: z.array(z.object({ id: z.uuid(), name: z.string(), createdAt: at, updatedAt: at })),
    nextCursor: z.string().nullable(),
  }),
);

export interface TenantView {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toTenantView(t: Tenant): TenantView {
  return { id: t.id, name: t.name, createdAt: t.createdAt, updatedAt: t.updatedAt };
}
