import type { Resource } from '@tally/db';

/** The one normalized resource shape (DESIGN §3): what the API serves and destinations receive. */
export function toResourceView(r: Resource) {
  return {
    id: r.id,
    provider: 'aws' as const,
    type: r.type,
    identifier: r.identifier,
    arn: r.arn,
    name: r.name,
    accountId: r.accountId,
    region: r.region,
    tags: r.tags as Record<string, string>,
    relationships: r.relationships as Array<{ type: string; target: string }>,
    properties: r.properties as Record<string, unknown>,
    firstSeenAt: r.firstSeenAt,
    lastSeenAt: r.lastSeenAt,
    updatedAt: r.updatedAt,
    deletedAt: r.deletedAt,
  };
}

export type ResourceView = ReturnType<typeof toResourceView>;
