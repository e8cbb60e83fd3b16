// Control endpoints for live events: knobs, what was emitted and delivered, noise, raw events.
import { z } from 'zod';
import { AwsError, type ControlRoutes } from '../contract';
import type { CloudTrailStore } from '../cloudtrail/cloudtrail.store';
import { EventBridgeStore } from '../eventbridge/eventbridge.store';
import type { LiveEvents } from './live-events';

const accountId = z.string().regex(/^\d{12}$/);
const noiseBody = z.object({
  accountId,
  region: z.string().min(1),
  kind: z.string().optional(),
  count: z.number().int().min(1).max(1000).optional(),
});
const putBody = z.object({
  accountId,
  region: z.string().min(1),
  eventBusName: z.string().optional(),
  source: z.string().min(1),
  detailType: z.string().min(1),
  detail: z.record(z.string(), z.unknown()),
  resources: z.array(z.string()).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new AwsError('ValidationError', z.prettifyError(r.error), 400);
  return r.data;
}

/** `/_sandbox/events/*` and `/_sandbox/trails`. */
export function liveRoutes(deps: {
  live: LiveEvents;
  events: EventBridgeStore;
  trails: CloudTrailStore;
}): ControlRoutes {
  const { live, events, trails } = deps;
  return {
    'GET /_sandbox/events/knobs': async () => live.current,
    'POST /_sandbox/events/knobs': async (body) => live.setKnobs(body),
    'GET /_sandbox/events/emitted': async (_b, q) => {
      const limit = Number(q.get('limit') ?? 1000);
      const list = live.emitted.filter(
        (e) =>
          (!q.get('accountId') || e.event.account === q.get('accountId')) &&
          (!q.get('region') || e.event.region === q.get('region')),
      );
      return { stats: live.stats, events: list.slice(-limit) };
    },
    'GET /_sandbox/events/deliveries': async (_b, q) => {
      const limit = Number(q.get('limit') ?? 1000);
      const list = events.deliveries.filter(
        (d) =>
          (!q.get('ruleArn') || d.ruleArn === q.get('ruleArn')) &&
          (!q.get('eventId') || d.eventId === q.get('eventId')),
      );
      return { deliveries: list.slice(-limit) };
    },
    'POST /_sandbox/events/idle': async () => {
      await live.idle();
      return { idle: true };
    },
    'POST /_sandbox/events/noise': async (body) => {
      const b = parse(noiseBody, body);
      return {
        events: Array.from({ length: b.count ?? 1 }, () => live.noise(b.accountId, b.region, b.kind)),
      };
    },
    'POST /_sandbox/events/put': async (body) => {
      const b = parse(putBody, body);
      const bus = events.bus(b.accountId, b.region, b.eventBusName ?? 'default');
      const event = EventBridgeStore.event({
        'detail-type': b.detailType,
        source: b.source,
        account: b.accountId,
        region: b.region,
        resources: b.resources ?? [],
        detail: b.detail,
      });
      events.route(bus, event);
      return { event };
    },
    'GET /_sandbox/trails': async () => ({ trails: trails.all() }),
  };
}
