import type { z } from 'zod';
import type { Resource as ResourceRow, ResourceChange as ResourceChangeRow } from '@tally/db';
import type { Resource, ResourceChange } from '@tally/contract';

type ResourceView = z.input<typeof Resource>;

/** The one normalized resource shape (DESIGN §3). */
export function toResourceView(r: ResourceRow): ResourceView {
  return {
    id: r.id,
    provider: 'aws',
    type: r.type,
    identifier: r.identifier,
    arn: r.arn,
    name: r.name,
    accountId: r.accountId,
    region: r.region,
    // Json columns the pipeline writes in these shapes; the response schema checks them.
    tags: r.tags as ResourceView['tags'],
    relationships: r.relationships as ResourceView['relationships'],
    properties: r.properties as ResourceView['properties'],
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
    updatedAt: r.updatedAt,
    deletedAt: r.deletedAt,
  };
}

/** One entry of a resource's change history. */
export function toChangeView(c: ResourceChangeRow): z.input<typeof ResourceChange> {
  return { kind: c.kind, at: c.at, runId: c.runId, changedFields: c.changedFields };
}
