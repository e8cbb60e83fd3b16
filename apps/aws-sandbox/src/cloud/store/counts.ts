// How many resources each (account, region, type) cell starts with.
import type { Scenario } from '../scenario/scenario.schema';
import { RESOURCE_TYPE_NAMES, type ResourceTypeName } from '../types/type-names';
import { hash32 } from '../util/hash';

export const cellKey = (accountId: string, region: string, type: string): string =>
  `${accountId}|${region}|${type}`;

type Override = Scenario['resources']['overrides'][number];

function specificity(o: Override): number {
  return (o.accountId ? 4 : 0) + (o.region ? 2 : 0) + (o.type ? 1 : 0);
}

function matchingOverride(
  overrides: Override[],
  accountId: string,
  region: string,
  type: string,
): Override | undefined {
  let best: Override | undefined;
  for (const o of overrides) {
    if (
      (o.accountId && o.accountId !== accountId) ||
      (o.region && o.region !== region) ||
      (o.type && o.type !== type)
    )
      continue;
    if (!best || specificity(o) >= specificity(best)) best = o;
  }
  return best;
}

/** Spreads `total` over the cells with deterministic pseudo-random weights (largest remainders first). */
function spreadTotal(seed: string, keys: string[], total: number): Map<string, number> {
  const weights = keys.map((k) => 0.25 + (hash32(`${seed}|weight|${k}`) / 0x100000000) * 1.5);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return new Map(keys.map((k, i) => [k, counts[i]!]));
}

/** Initial count for every cell of the given accounts (the `total` is spread over exactly these). */
export function initialCounts(scenario: Scenario, accountIds: string[]): Map<string, number> {
  const keys: string[] = [];
  for (const a of accountIds)
    for (const r of scenario.regions) for (const t of RESOURCE_TYPE_NAMES) keys.push(cellKey(a, r, t));
  const spread = scenario.resources.total
    ? spreadTotal(scenario.seed, keys, scenario.resources.total)
    : undefined;
  const counts = new Map<string, number>();
  for (const key of keys) {
    const [a, r, t] = key.split('|') as [string, string, ResourceTypeName];
    counts.set(key, countFor(scenario, a, r, t) + (spread?.get(key) ?? 0));
  }
  for (const key of keys) {
    const [a, r, t] = key.split('|') as [string, string, string];
    const o = matchingOverride(scenario.resources.overrides, a, r, t);
    if (o) counts.set(key, o.count);
  }
  return counts;
}

/** Count for one cell from `perAccountRegion` alone (used for accounts added later). */
export function countFor(
  scenario: Scenario,
  accountId: string,
  region: string,
  type: ResourceTypeName,
): number {
  const o = matchingOverride(scenario.resources.overrides, accountId, region, type);
  return o ? o.count : (scenario.resources.perAccountRegion[type] ?? 0);
}
