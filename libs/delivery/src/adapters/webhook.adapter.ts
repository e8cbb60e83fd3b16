import { requestDestination } from '../net/http-client';
import {
  deliverPerResource,
  describeStatus,
  type DeliveryContext,
  type DeliveryItem,
  type DestinationAdapter,
  type ItemOutcome,
} from './adapter';
import { signatureHeader } from './webhook.signing';

/**
 * The Standard Webhooks body of a change. With a mapping, `data` is the change with `entities` (what
 * the mapping made of the resource) in place of `resource`, plus `resourceId`.
 */
export function webhookBody(item: DeliveryItem): string {
  const type = item.test ? 'tally.test' : `resource.${item.kind}`;
  return JSON.stringify({ type, timestamp: new Date(item.at).toISOString(), data: webhookData(item) });
}

function webhookData(item: DeliveryItem): unknown {
  if (!item.entities) return item;
  const { resource, entities, ...change } = item;
  return { ...change, resourceId: resource.id, entities };
}

/** Secrets that still sign now. */
function liveSecrets(ctx: DeliveryContext, now: number): string[] {
  return (ctx.secrets.webhookSecrets ?? [])
    .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now)
    .map((s) => s.secret);
}

/** `webhook`: one signed POST per change (Standard Webhooks); only 2xx is success, 410 disables. */
export class WebhookAdapter implements DestinationAdapter {
  deliver(batch: DeliveryItem[], ctx: DeliveryContext): Promise<ItemOutcome[]> {
    const url = String(ctx.destination.config.url);
    return deliverPerResource(batch, async (item) => {
      // The mapping selected nothing from this resource: nothing to send.
      if (item.entities && !item.entities.length) return { ok: true };
      const body = webhookBody(item);
      const timestamp = Math.floor(Date.now() / 1000);
      const secrets = liveSecrets(ctx, Date.now());
      const res = await requestDestination(
        {
          method: 'POST',
          url,
          body,
          timeoutMs: ctx.timeoutMs,
          headers: {
            'webhook-id': item.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(secrets, item.id, timestamp, body),
          },
        },
        ctx.policy,
      );
      if (res.status >= 200 && res.status < 300) return { ok: true };
      return {
        ok: false,
        error: describeStatus(new URL(url).host, res.status, res.body),
        gone: res.status === 410,
      };
    });
  }
}
