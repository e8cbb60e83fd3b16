import { z } from 'zod';
import { pageOf, requestSchemas, responseSchemas, text, timestamp } from './schema.helpers';

/** Longest a key may live: keys that never rotate are a risk, but an explicit expiry is optional. */
const MAX_LIFETIME_MS = 5 * 366 * 24 * 3600 * 1000;

/** POST /v1/tenants/{t}/api-keys */
export const CreateApiKey = z
  .strictObject({
    name: text(200),
    expiresAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() > Date.now(), 'must be in the future')
      .refine((d) => d.getTime() < Date.now() + MAX_LIFETIME_MS, 'must be within 5 years')
      .optional(),
  })
  .register(requestSchemas, { id: 'CreateApiKey' });
export type CreateApiKey = z.output<typeof CreateApiKey>;

export const ApiKey = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid().nullable(),
    role: z.enum(['admin', 'tenant']),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to recognise it'),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    expiresAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .register(responseSchemas, { id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const CreatedApiKey = ApiKey.extend({
  key: z.string().describe('The secret key: shown once, store it now'),
}).register(responseSchemas, { id: 'CreatedApiKey' });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyList = pageOf(ApiKey).register(responseSchemas, { id: 'ApiKeyList' });
