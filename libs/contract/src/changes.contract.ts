import { z } from 'zod';
import { RESOURCE_TYPE_PATTERN } from './resource-types';
import { Resource } from './resources.contract';
import { accountId, responseSchemas, timestamp } from './schema.helpers';

/** Longest a long poll may wait, in seconds. */
export const MAX_WAIT_SECONDS = 20;

/** An opaque change-feed cursor as the API returned it (checked by the feed: 400 on the field). */
export const changeCursor = z.string().min(1).max(64).describe('A cursor this API returned');

/** GET /v1/tenants/{t}/changes */
export const ChangeQuery = z.strictObject({
  after: changeCursor
    .optional()
    .describe('Read the changes after this cursor; without it, from the oldest kept'),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1)
    .max(1000)
    .default(100),
  type: z
    .string()
    .regex(RESOURCE_TYPE_PATTERN, 'must be a CloudFormation type such as AWS::S3::Bucket')
    .optional(),
  accountId: accountId.optional(),
  connectionId: z.uuid({ message: 'must be a connection id (UUID)' }).optional(),
  waitSeconds: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .default(0)
    .describe('Long poll: with nothing new, wait up to this many seconds for a change'),
});
export type ChangeQuery = z.output<typeof ChangeQuery>;

/** One change of the feed (and the core of what destinations receive): DESIGN §5 "A change". */
export const Change = z
  .object({
    id: z.uuid(),
    cursor: z.string().describe('Pass as `after` to read what follows this change'),
    kind: z.enum(['created', 'updated', 'deleted']),
    at: timestamp,
    source: z.enum(['sync', 'event']),
    runId: z.uuid().nullable(),
    eventId: z.string().nullable(),
    changedFields: z.array(z.string()),
    resource: Resource.describe("The resource's state when read (at or after the change)"),
  })
  .register(responseSchemas, { id: 'Change' });
export type Change = z.infer<typeof Change>;

export const ChangePage = z
  .object({
    items: z.array(Change),
    nextCursor: z
      .string()
      .describe('Where to continue: present even when the page is empty, so a poller never re-scans'),
  })
  .register(responseSchemas, { id: 'ChangePage' });
export type ChangePage = z.infer<typeof ChangePage>;
