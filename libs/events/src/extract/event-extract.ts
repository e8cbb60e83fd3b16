import { EVENT_RULES, type CloudTrailDetail } from './event-rules';

/** One resource an event says changed: the key a refresh is deduplicated by. */
export interface ResourceRef {
  accountId: string;
  region: string;
  type: string;
  identifier: string;
}

/** Why an event changes nothing. */
export type IgnoredReason =
  /** `detail.errorCode`: the call failed, so nothing changed (a failed DeleteBucket deletes nothing). */
  | 'failed-call'
  /** A source or event this table does not know. */
  | 'unknown-event'
  /** A known event that names no resource of a supported kind (e.g. CreateTags on a volume). */
  | 'no-resource';

export type Extraction =
  | { outcome: 'resources'; eventId: string; eventTime: Date | null; key: string; resources: ResourceRef[] }
  | { outcome: 'ignored'; eventId: string | null; key: string | null; reason: IgnoredReason };

/** The EventBridge envelope as it arrives in the queue. */
interface Envelope {
  id?: unknown;
  source?: unknown;
  'detail-type'?: unknown;
  account?: unknown;
  region?: unknown;
  time?: unknown;
  detail?: unknown;
}

const CLOUDTRAIL = 'AWS API Call via CloudTrail';

/** True when `body` parses to something shaped like an EventBridge event (else it is poison). */
export function parseEnvelope(body: string | undefined): Envelope | null {
  if (!body) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const e = parsed as Envelope;
  const ok =
    typeof e.source === 'string' &&
    typeof e['detail-type'] === 'string' &&
    typeof e.account === 'string' &&
    typeof e.region === 'string' &&
    !!e.detail &&
    typeof e.detail === 'object';
  return ok ? e : null;
}

/**
 * The resources an EventBridge event changed, through EVENT_RULES: CloudTrail calls by
 * `eventSource:eventName`, service events by `source:detail-type`. Keys carry the account and region
 * the event happened in (forwarded events keep theirs), so equal names in two accounts never collide.
 */
export function extractResources(envelope: Envelope): Extraction {
  const detail = envelope.detail as CloudTrailDetail;
  const cloudTrail = envelope['detail-type'] === CLOUDTRAIL;
  const eventId = cloudTrail ? (detail.eventID ?? String(envelope.id ?? '')) : String(envelope.id ?? '');
  const key = cloudTrail
    ? `${detail.eventSource}:${detail.eventName}`
    : `${String(envelope.source)}:${String(envelope['detail-type'])}`;
  if (cloudTrail && detail.errorCode) return { outcome: 'ignored', eventId, key, reason: 'failed-call' };
  const rule = EVENT_RULES.get(key);
  if (!rule) return { outcome: 'ignored', eventId, key, reason: 'unknown-event' };
  const accountId = (cloudTrail && detail.recipientAccountId) || String(envelope.account);
  const region = (cloudTrail && detail.awsRegion) || String(envelope.region);
  const identifiers = rule.identifiers(detail);
  if (!identifiers.length) return { outcome: 'ignored', eventId, key, reason: 'no-resource' };
  const time = Date.parse(String((cloudTrail && detail.eventTime) || envelope.time || ''));
  return {
    outcome: 'resources',
    eventId,
    eventTime: Number.isNaN(time) ? null : new Date(time),
    key,
    resources: identifiers.map((identifier) => ({ accountId, region, type: rule.type, identifier })),
  };
}

/** A stable string for a resource key (dedup / debounce id). */
export function refKey(ref: ResourceRef): string {
  return `${ref.accountId}/${ref.region}/${ref.type}/${ref.identifier}`;
}
