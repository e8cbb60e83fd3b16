import type { z } from 'zod';
import type { ResourceChange as ResourceChangeRow } from '@tally/db';
import type { ResourceChange } from '@tally/contract';

/** The one normalized resource shape (DESIGN §3), shared with the change feed. */
export { toResourceView } from '@tally/tenancy';

/** One entry of a resource's change history. */
export function toChangeView(c: ResourceChangeRow): z.input<typeof ResourceChange> {
  return { kind: c.kind, at: c.at, runId: c.runId, changedFields: c.changedFields };
}
