import { z } from 'zod';
import { AWS_REGIONS } from './aws-regions';
import { RESOURCE_TYPE_PATTERN } from './resource-types';
import { accountId, pageOf, pageQueryShape, responseSchemas, text, timestamp } from './schema.helpers';
import { SyncRun } from './syncs.contract';

const MAX_TAG_FILTERS = 20;

const tagFilter = z
  .string()
  .max(512)
  .regex(
    /^[^:\u0000-\u001f\u007f]{1,128}:[^\u0000-\u001f\u007f]{0,256}$/,
    'must be key:value (key 1-128 characters, no control characters)',
  )
  .transform((v) => {
    const i = v.indexOf(':');
    return { key: v.slice(0, i), value: v.slice(i + 1) };
  });

/** GET /v1/tenants/{t}/resources */
export const ResourceQuery = z.strictObject({
  type: z
    .string()
    .regex(RESOURCE_TYPE_PATTERN, 'must be a CloudFormation type such as AWS::S3::Bucket')
    .optional(),
  accountId: accountId.optional(),
  region: z.enum(AWS_REGIONS, { message: 'must be an AWS region such as us-east-1' }).optional(),
  q: text(256)
    .optional()
    .describe(
      'Case-insensitive substring of the name, identifier or ARN; every character is literal (% and _ are not wildcards)',
    ),
  tag: z
    .union([tagFilter.transform((t) => [t]), z.array(tagFilter).max(MAX_TAG_FILTERS)])
    .optional()
    .describe('key:value; repeat for several (all must match)'),
  includeDeleted: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  ...pageQueryShape,
});
export type ResourceQuery = z.output<typeof ResourceQuery>;

/** The one normalized resource shape (DESIGN §3). */
export const Resource = z
  .object({
    id: z.uuid(),
    provider: z.literal('aws'),
    type: z.string(),
    identifier: z.string(),
    arn: z.string().nullable(),
    name: z.string().nullable(),
    accountId: z.string(),
    region: z.string(),
    tags: z.record(z.string(), z.string()),
    relationships: z.array(z.object({ type: z.string(), target: z.string() })),
    properties: z.record(z.string(), z.unknown()).describe('The model exactly as Cloud Control returned it'),
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
    updatedAt: timestamp,
    deletedAt: timestamp.nullable(),
  })
  .register(responseSchemas, { id: 'Resource' });
export type Resource = z.infer<typeof Resource>;

export const ResourceChange = z.object({
  kind: z.enum(['created', 'updated', 'deleted']),
  at: timestamp,
  runId: z.uuid().nullable(),
  changedFields: z.array(z.string()),
});
export type ResourceChange = z.infer<typeof ResourceChange>;

export const ResourceWithChanges = Resource.extend({
  changes: z.array(ResourceChange).describe('Newest first'),
}).register(responseSchemas, { id: 'ResourceWithChanges' });
export type ResourceWithChanges = z.infer<typeof ResourceWithChanges>;

export const ResourceList = pageOf(Resource).register(responseSchemas, { id: 'ResourceList' });

const counts = z.record(z.string(), z.number().int());

/** GET /v1/tenants/{t}/summary */
export const Summary = z
  .object({
    resources: z.object({ total: z.number().int(), byType: counts, byAccount: counts, byRegion: counts }),
    connections: z.object({ total: z.number().int(), paused: z.number().int(), byStatus: counts }),
    lastRun: SyncRun.nullable().describe("The tenant's most recent run"),
    nextRunAt: timestamp.nullable(),
    errors: z.object({
      connections: z.number().int(),
      failedRuns: z.number().int(),
      failedTasks: z.number().int(),
    }),
  })
  .register(responseSchemas, { id: 'Summary' });
export type Summary = z.infer<typeof Summary>;
export type Counts = Summary['resources']['byType'];
