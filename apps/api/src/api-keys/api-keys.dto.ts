import { z } from 'zod';
import type { ApiKey } from '@tally/db';
import { named } from '../common/openapi';
import { text } from '../common/params';

/** Longest a key may live: keys that never rotate are a risk, but an explicit expiry is optional. */
const MAX_LIFETIME_MS = 5 * 366 * 24 * 3600 * 1000;

export const CreateApiKey = named(
  'CreateApiKey',
  z.strictObject({
    name: text(200),
    expiresAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() > Date.now(), 'must be in the future')
      .refine((d) => d.getTime() < Date.now() + MAX_LIFETIME_MS, 'must be within 5 years')
      .optional(),
  }),
  'input',
);
export type CreateApiKey = z.output<typeof CreateApiKey>;

const at = z.iso.datetime();
const ApiKeySchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid().nullable(),
  role: z.enum(['admin', 'tenant']),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  createdAt: at,
  lastUsedAt: at.nullable(),
  expiresAt: at.nullable(),
  revokedAt: at.nullable(),
});
named('ApiKey', ApiKeySchema);
named(
  'CreatedApiKey',
  ApiKeySchema.extend({ key: z.string().describe('The secret key: shown once, store it now') }),
);
named('ApiKeyList', z.object({ items: z.array(ApiKeySchema), nextCursor: z.string().nullable() }));

export interface ApiKeyView {
  id: string;
  tenantId: string | null;
  role: 'admin' | 'tenant';
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Never includes the hash. */
export function toApiKeyView(k: ApiKey): ApiKeyView {
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
