import { requestDestination } from '../net/http-client';
import {
  deliverPerResource,
  describeStatus,
  type DeliveryContext,
  type DeliveryItem,
  type DestinationAdapter,
  type ItemOutcome,
} from './adapter';

/**
 * The default CRUD document: the normalized shape Mia-Platform's cloud-vendor aggregator fills,
 * keyed by Tally's resource id (names collide across accounts and regions).
 */
export function crudDocument(item: DeliveryItem): Record<string, unknown> {
  const r = item.resource;
  return {
    resourceId: r.id,
    name: r.name,
    type: r.type,
    provider: 'aws',
    location: r.region,
    tags: r.tags,
    relationships: r.relationships,
    timestamp: new Date(item.at).toISOString(),
    rawData: Buffer.from(JSON.stringify(r.properties), 'utf8').toString('base64'),
  };
}

/** `$set` for present fields, `$unset` for the ones that are gone (null): the collection never keeps stale fields. */
export function crudUpsertBody(doc: Record<string, unknown>): { $set: object; $unset?: object } {
  const set: Record<string, unknown> = {};
  const unset: Record<string, true> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (v === null || v === undefined) unset[k] = true;
    else set[k] = v;
  }
  return Object.keys(unset).length ? { $set: set, $unset: unset } : { $set: set };
}

/**
 * `crud-service`: Mia-Platform CRUD Service upsert-one / DELETE by `_q` on the primary key. With a
 * mapping, each entity is one document `{ identifier, blueprint, title, properties, relations, team?,
 * icon?, resourceId, timestamp }` keyed by `{ identifier, blueprint }` (a resource may give several).
 */
export class CrudServiceAdapter implements DestinationAdapter {
  private async deliverEntities(
    base: string,
    headers: Record<string, string>,
    item: DeliveryItem,
    ctx: DeliveryContext,
  ): Promise<ItemOutcome> {
    for (const e of item.entities ?? []) {
      const q = encodeURIComponent(JSON.stringify({ identifier: e.identifier, blueprint: e.blueprint }));
      const doc = { ...e, resourceId: item.resource.id, timestamp: new Date(item.at).toISOString() };
      const res =
        item.kind === 'deleted'
          ? await requestDestination(
              { method: 'DELETE', url: `${base}/?_q=${q}`, headers, timeoutMs: ctx.timeoutMs },
              ctx.policy,
            )
          : await requestDestination(
              {
                method: 'POST',
                url: `${base}/upsert-one?_q=${q}`,
                headers,
                timeoutMs: ctx.timeoutMs,
                body: JSON.stringify(crudUpsertBody(doc)),
              },
              ctx.policy,
            );
      if (res.status < 200 || res.status >= 300)
        return {
          ok: false,
          error: describeStatus(new URL(base).host, res.status, res.body),
          gone: res.status === 410,
        };
    }
    return { ok: true };
  }

  deliver(batch: DeliveryItem[], ctx: DeliveryContext): Promise<ItemOutcome[]> {
    const base = String(ctx.destination.config.url).replace(/\/+$/, '');
    const primaryKey = String(ctx.destination.config.primaryKey ?? 'resourceId');
    const headers = ctx.secrets.headers ?? {};
    return deliverPerResource(batch, async (item) => {
      if (item.entities && !item.test) return this.deliverEntities(base, headers, item, ctx);
      const q = encodeURIComponent(JSON.stringify({ [primaryKey]: item.resource.id }));
      const res = item.test
        ? await requestDestination(
            { method: 'GET', url: `${base}/count?_q=${q}`, headers, timeoutMs: ctx.timeoutMs },
            ctx.policy,
          )
        : item.kind === 'deleted'
          ? await requestDestination(
              { method: 'DELETE', url: `${base}/?_q=${q}`, headers, timeoutMs: ctx.timeoutMs },
              ctx.policy,
            )
          : await requestDestination(
              {
                method: 'POST',
                url: `${base}/upsert-one?_q=${q}`,
                headers,
                timeoutMs: ctx.timeoutMs,
                body: JSON.stringify(
                  crudUpsertBody({ ...crudDocument(item), [primaryKey]: item.resource.id }),
                ),
              },
              ctx.policy,
            );
      if (res.status >= 200 && res.status < 300) return { ok: true };
      return {
        ok: false,
        error: describeStatus(new URL(base).host, res.status, res.body),
        gone: res.status === 410,
      };
    });
  }
}
