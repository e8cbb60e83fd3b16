import type { Resource, ResourceChange } from '@tally/db';
import { toResourceView, type ResourceView } from '@tally/tenancy';
import { encodeChangeCursor } from './change-cursor';

/** A change as the feed serves it and destinations receive it (DESIGN §5 "A change"). */
export interface ChangeItem {
  id: string;
  cursor: string;
  kind: 'created' | 'updated' | 'deleted';
  at: Date;
  source: 'sync' | 'event';
  runId: string | null;
  eventId: string | null;
  changedFields: string[];
  /** The resource's state when read: at or after the change (DESIGN §4). */
  resource: ResourceView;
}

export type ChangeWithResource = ResourceChange & { resource: Resource };

/** The feed item of a stored change. */
export function toChangeItem(c: ChangeWithResource): ChangeItem {
  const resource = toResourceView(c.resource);
  // The resource may have come back since: a deletion still says it was deleted.
  if (c.kind === 'deleted' && !resource.deletedAt) resource.deletedAt = c.at;
  return {
    id: c.id,
    cursor: encodeChangeCursor(c.seq ?? 0n),
    kind: c.kind,
    at: c.at,
    source: c.source,
    runId: c.runId,
    eventId: c.eventId,
    changedFields: c.changedFields,
    resource,
  };
}
