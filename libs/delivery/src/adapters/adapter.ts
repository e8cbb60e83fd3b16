import type { PortEntity } from '@tally/mapping';
import type { ChangeItem } from '../feed/change.view';
import type { NetworkPolicy } from '../net/destination-url';

/**
 * A change to deliver; `test` marks the one message of POST …/test (no resource behind it).
 * `entities` is set when the destination has a mapping: what the mapping made of the resource's
 * state (none when the mapping skips it), which replaces the default payload.
 */
export type DeliveryItem = ChangeItem & { test?: boolean; entities?: PortEntity[] };

/**
 * What happened to one item. `gone`: the endpoint says it no longer exists (HTTP 410). `pause`: a
 * customer error that retrying cannot fix (the text says what to do); the destination pauses at
 * once. `retryAfterMs`: the endpoint said when to come back (429 Retry-After).
 */
export type ItemOutcome =
  { ok: true } | { ok: false; error: string; gone?: boolean; pause?: boolean; retryAfterMs?: number };

/** What an adapter gets to deliver a batch: the destination's settings, its secrets, the rules. */
export interface DeliveryContext {
  destination: { id: string; tenantId: string; name: string; config: Record<string, unknown> };
  secrets: DestinationSecrets;
  policy: NetworkPolicy;
  timeoutMs: number;
}

/** Every kind's secrets, decrypted only in memory for a delivery. */
export interface DestinationSecrets {
  /** Webhook signing secrets, newest first; an expired one no longer signs. */
  webhookSecrets?: Array<{ secret: string; expiresAt?: string }>;
  /** CRUD Service request headers (e.g. an API key). */
  headers?: Record<string, string>;
  /** Port's client secret. */
  clientSecret?: string;
}

/**
 * One destination kind. `deliver` returns one outcome per item, in order. A failed item must stop
 * the later items of the same resource in that batch (per-resource order); the engine retries from
 * the first failure and never branches on the kind.
 */
export interface DestinationAdapter {
  deliver(batch: DeliveryItem[], ctx: DeliveryContext): Promise<ItemOutcome[]>;
}

/** Sends items one request each, resources in parallel (up to `concurrency`), one resource in order. */
export async function deliverPerResource(
  batch: DeliveryItem[],
  send: (item: DeliveryItem) => Promise<ItemOutcome>,
  concurrency = 16,
): Promise<ItemOutcome[]> {
  const outcomes: ItemOutcome[] = new Array(batch.length);
  const byResource = new Map<string, number[]>();
  batch.forEach((item, i) => {
    const list = byResource.get(item.resource.id) ?? [];
    list.push(i);
    byResource.set(item.resource.id, list);
  });
  const chains = [...byResource.values()];
  let next = 0;
  const runner = async () => {
    while (next < chains.length) {
      const chain = chains[next++];
      let failed: string | undefined;
      for (const i of chain) {
        if (failed) {
          outcomes[i] = {
            ok: false,
            error: `not sent: an earlier change of this resource failed (${failed})`,
          };
          continue;
        }
        outcomes[i] = await send(batch[i]).catch((err: Error) => ({
          ok: false as const,
          error: err.message,
        }));
        const out = outcomes[i];
        if (!out.ok) failed = out.error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chains.length) }, runner));
  return outcomes;
}

/** The customer's words for a non-2xx answer: status, reason, the start of what they said. */
export function describeStatus(host: string, status: number, body: string): string {
  const said = body.trim().replace(/\s+/g, ' ').slice(0, 200);
  return `${host} answered HTTP ${status}${said ? `: ${said}` : ''}`;
}
