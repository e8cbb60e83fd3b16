import { z } from 'zod';
import type { ResourceChange } from '@tally/db';
import { AWS_REGIONS } from '../common/aws-regions';
import { named } from '../common/openapi';
import { pageQueryShape, text } from '../common/params';
import { RESOURCE_TYPE_PATTERN } from '../common/resource-types';

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

export const ResourceQuery = z.strictObject({
  type: z
    .string()
    .regex(RESOURCE_TYPE_PATTERN, 'must be a CloudFormation type such as AWS::S3::Bucket')
    .optional(),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'must be 12 digits')
    .optional(),
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

const at = z.iso.datetime();
const ResourceSchema = z.object({
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
  firstSeenAt: at,
  lastSeenAt: at,
  updatedAt: at,
  deletedAt: at.nullable(),
});
const ChangeSchema = z.object({
  kind: z.enum(['created', 'updated', 'deleted']),
  at,
  runId: z.uuid().nullable(),
  changedFields: z.array(z.string()),
});
named('Resource', ResourceSchema);
named(
  'ResourceWithChanges',
  ResourceSchema.extend({ changes: z.array(ChangeSchema).describe('Newest first') }),
);
named('ResourceList', z.object({ items: z.array(ResourceSchema), nextCursor: z.string().nullable() }));

/** The one normalized resource shape (DESIGN §3), shared with the change feed. */
export { toResourceView } from '@tally/tenancy';

export function toChangeView(c: ResourceChange) {
  return { kind: c.kind, at: c.at, runId: c.runId, changedFields: c.changedFields };
}
