import type { ChangeItem } from '../feed/change.view';

/** A batch item and the feed positions (seqs) it stands for. */
export interface CoalescedItem {
  item: ChangeItem;
  covers: bigint[];
}

/**
 * Folds a batch's changes to one resource into one item (documented in docs/change-feed.md):
 * - the payload is the resource's state when read, so the latest change carries everything the
 *   earlier ones would have; it keeps its position (the latest), so per-resource order holds;
 * - a run that began with `created` stays `created` (the receiver has never seen the resource);
 * - a deletion is never folded away: the changes after it start a new item.
 */
export function coalesce(batch: Array<{ item: ChangeItem; seq: bigint }>): CoalescedItem[] {
  const open = new Map<string, CoalescedItem>();
  const out: Array<CoalescedItem | null> = [];
  const index = new Map<CoalescedItem, number>();
  for (const { item, seq } of batch) {
    const key = item.resource.id;
    const prev = open.get(key);
    if (prev && prev.item.kind !== 'deleted') {
      out[index.get(prev)!] = null;
      const merged: CoalescedItem = {
        item: {
          ...item,
          kind: prev.item.kind === 'created' && item.kind !== 'deleted' ? 'created' : item.kind,
          changedFields: [...new Set([...prev.item.changedFields, ...item.changedFields])].sort(),
        },
        covers: [...prev.covers, seq],
      };
      open.set(key, merged);
      index.set(merged, out.push(merged) - 1);
      continue;
    }
    const fresh: CoalescedItem = { item, covers: [seq] };
    open.set(key, fresh);
    index.set(fresh, out.push(fresh) - 1);
  }
  return out.filter((x): x is CoalescedItem => x !== null);
}

/**
 * Where the cursor may move after a batch: just before the first position of any failed item, or
 * `next` when everything succeeded. Items after a failure are sent again (at least once).
 */
export function advanceTo(items: CoalescedItem[], failed: boolean[], current: bigint, next: bigint): bigint {
  let lowestFailed: bigint | undefined;
  items.forEach((it, i) => {
    if (!failed[i]) return;
    for (const s of it.covers) if (lowestFailed === undefined || s < lowestFailed) lowestFailed = s;
  });
  if (lowestFailed === undefined) return next;
  const to = lowestFailed - 1n;
  return to > current ? to : current;
}

/** Exponential backoff with jitter: base·2^(n-1), capped, then a random 50-100 % of it. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
