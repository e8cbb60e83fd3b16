// Ground truth for tests and benchmarks: what exists now, as counts and (optionally) full models.
import type { CloudState } from '../store/cloud-state';

export interface TruthFilter {
  accountId?: string;
  region?: string;
  type?: string;
}

export interface TruthResource {
  accountId: string;
  region: string;
  type: string;
  identifier: string;
  properties: Record<string, unknown>;
}

/** Largest listing `view=full` returns; use filters or `view=summary` beyond it. */
export const MAX_TRUTH_RESOURCES = 250_000;

/** Counts by type, account and region (S3 buckets count under their home region). */
export function truthSummary(state: CloudState, filter: TruthFilter) {
  const byType: Record<string, number> = {};
  const byAccount: Record<string, number> = {};
  const byRegion: Record<string, number> = {};
  let total = 0;
  for (const cell of state.allCells(filter)) {
    const n = cell.liveCount;
    if (!n) continue;
    total += n;
    byType[cell.type] = (byType[cell.type] ?? 0) + n;
    byAccount[cell.accountId] = (byAccount[cell.accountId] ?? 0) + n;
    byRegion[cell.region] = (byRegion[cell.region] ?? 0) + n;
  }
  return { total, byType, byAccount, byRegion };
}

/** Every live resource matching the filter, with its full model (as GetResource returns it). */
export function truthResources(state: CloudState, filter: TruthFilter): TruthResource[] {
  const out: TruthResource[] = [];
  for (const cell of state.allCells(filter)) {
    for (let p = 0; p < cell.end; p++) {
      const r = cell.at(p);
      if (r)
        out.push({
          accountId: cell.accountId,
          region: cell.region,
          type: cell.type,
          identifier: r.identifier,
          properties: r.model,
        });
    }
  }
  return out;
}
