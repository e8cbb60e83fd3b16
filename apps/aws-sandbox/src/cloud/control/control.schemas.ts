// Bodies of the control endpoints.
import { z } from 'zod';
import { accountStatusSchema, pagingSchema, throttleSchema } from '../scenario/scenario.schema';
import { RESOURCE_TYPE_NAMES } from '../types/type-names';

const accountId = z.string().regex(/^\d{12}$/);
const tags = z.union([
  z.array(z.object({ Key: z.string(), Value: z.string() })),
  z.record(z.string(), z.string()),
]);

/** How the mutation shows up as a CloudTrail event: a chosen event name, or a failed call (nothing changes). */
const eventOptions = z
  .object({
    eventName: z.string().min(1).optional(),
    errorCode: z.string().min(1).optional(),
    errorMessage: z.string().optional(),
  })
  .optional();

export const resourceRefSchema = z.object({
  accountId,
  /** S3: the bucket's home region. */
  region: z.string().min(1),
  type: z.enum(RESOURCE_TYPE_NAMES),
  identifier: z.string().min(1),
  event: eventOptions,
});

export const createResourceSchema = resourceRefSchema.extend({
  identifier: z.string().min(1).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  tags: tags.optional(),
});

export const updateResourceSchema = resourceRefSchema.extend({
  /** Shallow merge into the model (a `null` value removes the property). */
  properties: z.record(z.string(), z.unknown()).optional(),
  /** Replaces the tags; `[]` or `{}` removes them. */
  tags: tags.optional(),
});

export const createAccountSchema = z.object({
  id: accountId,
  name: z.string().min(1).max(50).optional(),
  email: z.email().optional(),
  status: accountStatusSchema.optional(),
});

export const updateAccountSchema = z.object({
  id: accountId,
  status: accountStatusSchema.optional(),
  /** Removes the account from the organization (its resources stay, it is no longer listed). */
  remove: z.boolean().optional(),
});

export const faultsPatchSchema = z
  .object({
    latencyMs: z.number().min(0).optional(),
    latencyJitterMs: z.number().min(0).optional(),
    handlerInternalFailureRate: z.number().min(0).max(1).optional(),
    throttle: throttleSchema.optional(),
    paging: pagingSchema.optional(),
    unsupported: z.array(z.object({ type: z.enum(RESOURCE_TYPE_NAMES), region: z.string() })).optional(),
    denied: z.array(z.object({ accountId, type: z.enum(RESOURCE_TYPE_NAMES) })).optional(),
  })
  .strict();
