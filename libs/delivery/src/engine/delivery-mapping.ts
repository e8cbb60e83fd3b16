import type { Destination } from '@tally/db';
import { compileMapping, defaultPortMapping, evaluateMapping, type PortEntity } from '@tally/mapping';
import type { DeliveryItem } from '../adapters/adapter';

/** The mapping a destination delivers with: its own, Port's default for `port`, none otherwise. */
export function mappingOf(dest: Pick<Destination, 'kind' | 'mapping'>): string | null {
  return dest.mapping ?? (dest.kind === 'port' ? defaultPortMapping() : null);
}

/** How many skipped entities a delivery record names (the count is always complete). */
const MAX_NAMED = 5;

/**
 * Runs the destination's mapping over a batch (the lib's jq pool, one run per kind): each item gets
 * its `entities`. An entity whose expression fails is skipped, not retried (the same state would fail
 * the same way); `skipped` says which and why, for the delivery record. A deleted resource is mapped
 * from its last known state (the row keeps its properties), which is what names the entity to delete.
 */
export async function mapBatch(
  dest: Pick<Destination, 'kind' | 'mapping'>,
  items: DeliveryItem[],
): Promise<{ items: DeliveryItem[]; skipped: string | null }> {
  const yaml = mappingOf(dest);
  if (!yaml) return { items, skipped: null };
  const compiled = await compileMapping(yaml);
  const real = items.filter((i) => !i.test);
  const { entities, errors } = await evaluateMapping(
    compiled,
    real.map((i) => i.resource),
  );
  const byIndex = new Map<number, PortEntity[]>();
  for (const e of entities) {
    const list = byIndex.get(e.index) ?? [];
    list.push(e.entity);
    byIndex.set(e.index, list);
  }
  const mapped = new Map(real.map((item, i) => [item, byIndex.get(i) ?? []]));
  const out = items.map((item) => (item.test ? item : { ...item, entities: mapped.get(item)! }));
  if (!errors.length) return { items: out, skipped: null };
  const named = errors.slice(0, MAX_NAMED).map((e) => {
    const r = real[e.index].resource;
    return `${e.kind} ${r.identifier} (resources[${e.mapping}].${e.field}): ${e.message}`;
  });
  const more = errors.length > MAX_NAMED ? `; and ${errors.length - MAX_NAMED} more` : '';
  return {
    items: out,
    skipped: `mapping skipped ${errors.length} ${errors.length === 1 ? 'entity' : 'entities'}: ${named.join('; ')}${more}`,
  };
}
