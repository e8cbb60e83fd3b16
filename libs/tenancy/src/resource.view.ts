import type { z } from 'zod';
import type { Resource as ResourceSchema } from '@tally/contract';
import type { Resource } from '@tally/db';

/** The normalized resource (DESIGN §3) before serialization: timestamps are still Dates. */
export type ResourceView = z.input<typeof ResourceSchema>;

/** The one normalized resource shape (DESIGN §3): what the API serves and destinations receive. */
export function toResourceView(r: Resource): ResourceView {
  return {
    id: r.id,
    provider: 'aws',
    type: r.type,
    identifier: r.identifier,
    arn: r.arn,
    name: r.name,
    accountId: r.accountId,
    region: r.region,
    // Json columns the pipeline writes in these shapes; the API's response schema checks them.
    tags: r.tags as ResourceView['tags'],
    relationships: r.relationships as ResourceView['relationships'],
    properties: r.properties as ResourceView['properties'],
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
    updatedAt: r.updatedAt,
    deletedAt: r.deletedAt,
  };
}
