import { z } from 'zod';
import { pageOf, requestSchemas, responseSchemas, text, timestamp } from './schema.helpers';

/** POST /v1/tenants */
export const CreateTenant = z
  .strictObject({ name: text(200) })
  .register(requestSchemas, { id: 'CreateTenant' });
export type CreateTenant = z.infer<typeof CreateTenant>;

export const Tenant = z
  .object({ id: z.uuid(), name: z.string(), createdAt: timestamp, updatedAt: timestamp })
  .register(responseSchemas, { id: 'Tenant' });
export type Tenant = z.infer<typeof Tenant>;

export const TenantList = pageOf(Tenant).register(responseSchemas, { id: 'TenantList' });
