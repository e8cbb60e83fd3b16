// Reads one page of a listing that spans one or more cells (S3 spans every region of the account).
import type { Cell, LiveResource } from '../store/cell';
import { hash32 } from '../util/hash';
import type { Cursor } from './page-token';

export interface PagingSettings {
  maxPageSize: number;
  emptyPageRate: number;
}

/** Deterministic page size for a cursor: 0 (an empty page) or 1..maxPageSize; MaxResults is ignored. */
export function pageSize(listingKey: string, cursor: Cursor, paging: PagingSettings): number {
  const r = hash32(`${listingKey}|${cursor.cell}|${cursor.position}|${cursor.page}`);
  if (r / 0x100000000 < paging.emptyPageRate) return 0;
  return 1 + (avalanche2(r) % paging.maxPageSize);
}

function avalanche2(x: number): number {
  return hash32(x.toString(36));
}

function hasLiveFrom(cells: Cell[], cell: number, position: number): boolean {
  for (let c = cell; c < cells.length; c++) {
    const current = cells[c]!;
    if (current.liveCount === 0) continue;
    for (let p = c === cell ? position : 0; p < current.end; p++) if (current.isLive(p)) return true;
  }
  return false;
}

/** Up to `size` live resources from `cursor`, and the cursor after them (null at the end). */
export function readPage(
  cells: Cell[],
  cursor: Cursor,
  size: number,
): { items: LiveResource[]; next: Cursor | null } {
  const items: LiveResource[] = [];
  let c = cursor.cell;
  let p = cursor.position;
  while (c < cells.length && items.length < size) {
    const current = cells[c]!;
    while (p < current.end && items.length < size) {
      const resource = current.at(p++);
      if (resource) items.push(resource);
    }
    if (p >= current.end) {
      c++;
      p = 0;
    }
  }
  return { items, next: hasLiveFrom(cells, c, p) ? { cell: c, position: p, page: cursor.page + 1 } : null };
}
