import { z } from 'zod';
import { changeCursor } from './changes.contract';
import { RESOURCE_TYPE_PATTERN } from './resource-types';
import { accountId, pageOf, requestSchemas, responseSchemas, text, timestamp } from './schema.helpers';

export const DESTINATION_KINDS = ['webhook', 'sqs', 'crud-service', 'port'] as const;

/** Largest mapping a destination or a preview takes. */
export const MAX_MAPPING_BYTES = 256 * 1024;

/** A Port-compatible mapping (YAML of jq expressions), checked by the mapping compiler. */
export const mappingText = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => new TextEncoder().encode(s).length <= MAX_MAPPING_BYTES, 'must be at most 256 KiB')
  .describe('Port-compatible mapping (YAML); compiled when saved: a 400 names the kind, field and jq error');

/** Which changes a destination receives: each list is "any of"; absent means all. */
export const DestinationFilter = z
  .strictObject({
    types: z
      .array(z.string().regex(RESOURCE_TYPE_PATTERN, 'must be a type such as AWS::S3::Bucket'))
      .max(100)
      .optional(),
    accountIds: z.array(accountId).max(1000).optional(),
    connectionIds: z
      .array(z.uuid({ message: 'must be a connection id (UUID)' }))
      .max(100)
      .optional(),
  })
  .register(requestSchemas, { id: 'DestinationFilter' });
export type DestinationFilter = z.infer<typeof DestinationFilter>;

const config = z
  .record(z.string(), z.unknown())
  .describe(
    'By kind: webhook { url }; sqs { queueUrl, roleArn }; crud-service { url, primaryKey?, headers? }; ' +
      'port { baseUrl?, clientId, clientSecret }. Secret fields (headers, clientSecret) are stored encrypted and never returned.',
  );

/** POST /v1/tenants/{t}/destinations */
export const CreateDestination = z
  .strictObject({
    name: text(200),
    kind: z.enum(DESTINATION_KINDS, { message: `must be one of ${DESTINATION_KINDS.join(', ')}` }),
    config,
    filter: DestinationFilter.optional(),
    mapping: mappingText.optional(),
    backfill: z
      .boolean({ message: 'must be true or false' })
      .optional()
      .describe('Deliver the current inventory first, then changes'),
  })
  .register(requestSchemas, { id: 'CreateDestination' });
export type CreateDestination = z.output<typeof CreateDestination>;

/** PATCH /v1/tenants/{t}/destinations/{d} */
export const UpdateDestination = z
  .strictObject({
    name: text(200).optional(),
    config: config.optional(),
    filter: DestinationFilter.optional(),
    mapping: mappingText.nullable().optional().describe('A new mapping, or null to remove it'),
    status: z
      .enum(['active', 'paused'], { message: 'must be active or paused' })
      .optional()
      .describe('paused stops delivery (the backlog is kept); active resumes now'),
  })
  .register(requestSchemas, { id: 'UpdateDestination' });
export type UpdateDestination = z.output<typeof UpdateDestination>;

/** POST /v1/tenants/{t}/destinations/{d}/replay: from a cursor or from a time, exactly one. */
export const ReplayDestination = z
  .strictObject({
    after: changeCursor.optional().describe('Re-send every change after this cursor'),
    since: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-24T10:00:00Z' })
      .transform((v) => new Date(v))
      .optional()
      .describe('Re-send every change at or after this time'),
  })
  .superRefine((v, ctx) => {
    if ((v.after === undefined) === (v.since === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [v.after === undefined ? 'after' : 'since'],
        message: 'give either after (a cursor) or since (a time), not both',
      });
  })
  .register(requestSchemas, { id: 'ReplayDestination' });
export type ReplayDestination = z.output<typeof ReplayDestination>;

/** A destination as every answer shows it: never a secret. */
export const Destination = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(DESTINATION_KINDS),
    config: z.record(z.string(), z.unknown()).describe('The public part of the config (no secret)'),
    filter: z.object({
      types: z.array(z.string()).optional(),
      accountIds: z.array(z.string()).optional(),
      connectionIds: z.array(z.string()).optional(),
    }),
    mapping: z.string().nullable(),
    backfill: z.boolean(),
    backfillPending: z.boolean(),
    status: z.enum(['active', 'failing', 'paused']),
    lastError: z.string().nullable().describe('Why delivery fails, in words you can act on'),
    cursor: z.string().describe('The last change delivered'),
    lag: z.object({
      changes: z.number().int().describe('Changes not yet delivered (counted up to 100,000)'),
      seconds: z.number().int().describe('Age of the oldest undelivered change'),
    }),
    delivered: z.number().int(),
    attempts: z.number().int().describe('Failed attempts in a row'),
    nextAttemptAt: timestamp.nullable(),
    lastSuccessAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .register(responseSchemas, { id: 'Destination' });
export type Destination = z.infer<typeof Destination>;

export const CreatedDestination = Destination.extend({
  secret: z
    .string()
    .optional()
    .describe('webhook: the whsec_… signing secret, shown in this answer only: store it now'),
}).register(responseSchemas, { id: 'CreatedDestination' });
export type CreatedDestination = z.infer<typeof CreatedDestination>;

export const DestinationList = pageOf(Destination).register(responseSchemas, { id: 'DestinationList' });
export type DestinationList = z.infer<typeof DestinationList>;

/** POST …/destinations/{d}/test */
export const DestinationTestResult = z
  .object({
    ok: z.boolean(),
    error: z.string().optional().describe('Why the test message was not accepted'),
    durationMs: z.number().int(),
  })
  .register(responseSchemas, { id: 'DestinationTestResult' });
export type DestinationTestResult = z.infer<typeof DestinationTestResult>;

/** POST …/destinations/{d}/rotate-secret (webhook) */
export const RotatedSecret = z
  .object({
    secret: z.string().describe('The new whsec_… secret, shown in this answer only'),
    previousExpiresAt: timestamp.describe('Until then deliveries carry both signatures'),
  })
  .register(responseSchemas, { id: 'RotatedSecret' });
export type RotatedSecret = z.infer<typeof RotatedSecret>;

/** GET …/destinations/{d}/deliveries */
export const DeliveryQuery = z.strictObject({
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1)
    .max(200)
    .default(50),
});
export type DeliveryQuery = z.output<typeof DeliveryQuery>;

export const Delivery = z.object({
  id: z.uuid(),
  at: timestamp,
  outcome: z.enum(['succeeded', 'failed']),
  changes: z.number().int(),
  delivered: z.number().int(),
  firstCursor: z.string().nullable(),
  lastCursor: z.string().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryList = z
  .object({ items: z.array(Delivery).describe('Newest first') })
  .register(responseSchemas, { id: 'DeliveryList' });
export type DeliveryList = z.infer<typeof DeliveryList>;
