// Generated resources with realistic properties: the sandbox's own per-type generators (shapes from
// the CloudFormation registry schemas), normalized exactly as the collector normalizes Cloud Control
// models, cut into pages of Cloud Control's sizes.
import { getResourceType, normalizeResource, type NormalizedResource } from '@tally/aws';
import {
  RESOURCE_TYPES,
  RESOURCE_TYPE_NAMES,
  type ResourceTypeName,
} from '../../apps/aws-sandbox/src/cloud/types';
import { generateTags } from '../../apps/aws-sandbox/src/cloud/types/tags';
import { createRng, hash32 } from '../../apps/aws-sandbox/src/cloud/util/hash';

export const BENCH_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'];
export const ALL_TYPES: readonly ResourceTypeName[] = RESOURCE_TYPE_NAMES;

/** `n` distinct 12-digit account ids. */
export function accountIds(n: number, base = 700_000_000_000): string[] {
  return Array.from({ length: n }, (_, i) => String(base + i * 1_001));
}

export interface CellRef {
  accountId: string;
  region: string;
  type: ResourceTypeName;
}

/** `total` resources spread evenly over accounts × regions × types (what one task per cell collects). */
export function plan(
  total: number,
  accounts: string[],
  regions: string[],
  types: readonly ResourceTypeName[],
) {
  const cells: (CellRef & { count: number })[] = [];
  for (const accountId of accounts)
    for (const region of regions) for (const type of types) cells.push({ accountId, region, type, count: 0 });
  cells.forEach((c, i) => (c.count = Math.floor(total / cells.length) + (i < total % cells.length ? 1 : 0)));
  return cells;
}

const POOL_PER_TYPE_REGION = 400;
const pools = new Map<string, Record<string, unknown>[]>();

/** Fully generated models (the sandbox's generators are ~0.2 ms each: too slow for millions), per (type, region). */
function pool(seed: string, cell: CellRef): Record<string, unknown>[] {
  const key = `${cell.type}|${cell.region}`;
  let models = pools.get(key);
  if (!models) {
    const module = RESOURCE_TYPES[cell.type];
    models = Array.from({ length: POOL_PER_TYPE_REGION }, (_, i) => {
      const rng = createRng(hash32(`${seed}|pool|${key}|${i}`));
      const identifier = module.formatIdentifier(i, rng, cell.accountId);
      const tags = rng() < 0.7 ? generateTags(rng) : [];
      return module.generate({ accountId: cell.accountId, region: cell.region, identifier, rng, tags });
    });
    pools.set(key, models);
  }
  return models;
}

/**
 * One resource of a cell, deterministic in (seed, cell, index): a pooled realistic model under its own
 * unique identifier, normalized (ARN, name, tags map, relationships) exactly as the collector does.
 */
export function generateResource(seed: string, cell: CellRef, index: number): NormalizedResource {
  const module = RESOURCE_TYPES[cell.type];
  const h = hash32(`${seed}|${cell.accountId}|${cell.region}|${cell.type}|${index}`);
  const base = pool(seed, cell)[h % POOL_PER_TYPE_REGION];
  const identifier = module.formatIdentifier(index, createRng(h), cell.accountId);
  const baseId = String(base[module.identifierProperty]);
  const properties: Record<string, unknown> = {};
  // Top-level strings naming the resource (Arn, domain names…) follow its new identifier.
  for (const [k, v] of Object.entries(base))
    properties[k] = typeof v === 'string' && v.includes(baseId) ? v.replaceAll(baseId, identifier) : v;
  return normalizeResource(getResourceType(cell.type), {
    identifier,
    properties,
    accountId: cell.accountId,
    region: cell.region,
  });
}

/** Page sizes like the sandbox's default Cloud Control paging: uniform in 1..maxPage (MaxResults is ignored). */
export function* pageSizes(seed: string, cell: CellRef, count: number, maxPage: number): Generator<number> {
  const rng = createRng(hash32(`${seed}|pages|${cell.accountId}|${cell.region}|${cell.type}`));
  let left = count;
  while (left > 0) {
    const n = Math.min(left, 1 + Math.floor(rng() * maxPage));
    left -= n;
    yield n;
  }
}

/** The cell's resources, page by page. */
export function* pagesOf(
  seed: string,
  cell: CellRef,
  count: number,
  maxPage: number,
  start = 0,
): Generator<NormalizedResource[]> {
  let index = start;
  for (const size of pageSizes(seed, cell, count, maxPage)) {
    const page: NormalizedResource[] = [];
    for (let i = 0; i < size; i++) page.push(generateResource(seed, cell, index++));
    yield page;
  }
}
