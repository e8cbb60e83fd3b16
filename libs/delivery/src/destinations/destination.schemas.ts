import { z } from 'zod';
import { ValidationError, type FieldError } from '@tally/common';
import { checkDestinationUrl, DestinationRefusedError, type NetworkPolicy } from '../net/destination-url';

export type DestinationKindName = 'webhook' | 'sqs' | 'crud-service' | 'port';

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be an HTTP header name');

/** Each kind's config: `public` is stored as config, `secret` fields go to the encrypted blob. */
const CONFIGS = {
  webhook: z.strictObject({ url: z.string().max(2048) }),
  'crud-service': z.strictObject({
    url: z.string().max(2048),
    primaryKey: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a field name')
      .default('resourceId'),
    headers: z.record(headerName, z.string().max(4096)).optional(),
  }),
  sqs: z.strictObject({
    queueUrl: z.url({ message: 'must be an SQS queue URL' }),
    roleArn: z
      .string()
      .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN'),
  }),
  port: z.strictObject({
    baseUrl: z.string().max(2048).default('https://api.getport.io'),
    clientId: z.string().min(1).max(256),
    clientSecret: z.string().min(1).max(1024),
  }),
} as const;

export const DestinationFilter = z.strictObject({
  types: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/, 'must be a type such as AWS::S3::Bucket'),
    )
    .max(100)
    .optional(),
  accountIds: z
    .array(z.string().regex(/^\d{12}$/, 'must be 12 digits'))
    .max(1000)
    .optional(),
  connectionIds: z.array(z.uuid()).max(100).optional(),
});
export type DestinationFilter = z.infer<typeof DestinationFilter>;

export interface NewDestination {
  name: string;
  kind: DestinationKindName;
  config: Record<string, unknown>;
  filter?: DestinationFilter;
  mapping?: string;
  backfill?: boolean;
}

/** Kinds the engine can deliver to today. */
export const DELIVERABLE_KINDS: DestinationKindName[] = ['webhook', 'crud-service', 'sqs', 'port'];

/** Splits a validated config into what is stored in clear and what is encrypted. */
export function parseConfig(
  kind: string,
  config: unknown,
  policy: NetworkPolicy,
): { config: Record<string, unknown>; secrets: { headers?: Record<string, string>; clientSecret?: string } } {
  if (!(DELIVERABLE_KINDS as string[]).includes(kind)) {
    const known = Object.keys(CONFIGS).join(', ');
    throw new ValidationError([
      {
        field: 'kind',
        message: kind in CONFIGS ? `${kind} destinations are not available yet` : `must be one of ${known}`,
      },
    ]);
  }
  const parsed = CONFIGS[kind as keyof typeof CONFIGS].safeParse(config ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors('config', parsed.error.issues));
  const { headers, clientSecret, ...rest } = parsed.data as Record<string, unknown> & {
    headers?: Record<string, string>;
    clientSecret?: string;
  };
  for (const field of ['url', 'baseUrl'] as const) {
    if (typeof rest[field] !== 'string') continue;
    try {
      checkDestinationUrl(rest[field], policy);
    } catch (err) {
      if (err instanceof DestinationRefusedError)
        throw new ValidationError([{ field: `config.${field}`, message: err.message }]);
      throw err;
    }
  }
  return { config: rest, secrets: { headers, clientSecret } };
}

/** Validates a filter (400 with the failing field). */
export function parseFilter(filter: unknown): DestinationFilter {
  const parsed = DestinationFilter.safeParse(filter ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrors('filter', parsed.error.issues));
  return parsed.data;
}

function fieldErrors(prefix: string, issues: z.core.$ZodIssue[]): FieldError[] {
  return issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
}
