// The IAM actions Tally's role is granted, as the templates write them. The per-type handler
// permissions are the registry's (@tally/aws: each resource type carries what its list and read
// handlers need); this adds the calls Tally makes itself. Nothing here writes.
import { getResourceType, SUPPORTED_RESOURCE_TYPES } from '@tally/aws';

/** The Cloud Control API calls the collector makes itself. */
export const CLOUD_CONTROL_ACTIONS = ['cloudformation:ListResources', 'cloudformation:GetResource'] as const;

/** What the management account's role additionally needs in organization mode. */
export const ORGANIZATION_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:DescribeOrganization',
] as const;

/** What the role may do on its live-event queue (only that queue: receive, delete, change visibility, attributes, URL). */
export const LIVE_EVENTS_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;

/** What the role may do on the DLQ: read its depth. */
export const LIVE_EVENTS_DLQ_ACTIONS = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] as const;

/** Reads verification uses to report live-event coverage (forwarder rules, logging trails). */
export const LIVE_EVENTS_READ_ACTIONS = [
  'events:DescribeRule',
  'events:ListRules',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
] as const;

/** Every handler permission of the supported types, unique and sorted (the template's policy). */
export function handlerActions(types: readonly string[] = SUPPORTED_RESOURCE_TYPES): string[] {
  const all = types.flatMap((t) => {
    const { list, read } = getResourceType(t).permissions;
    return [...list, ...read];
  });
  return uniqueSorted(all);
}

/** Every action the role is granted: Cloud Control, the handlers, and (organization) Organizations reads. */
export function grantedActions(mode: 'account' | 'organization'): string[] {
  const org = mode === 'organization' ? [...ORGANIZATION_ACTIONS] : [];
  return uniqueSorted([
    ...CLOUD_CONTROL_ACTIONS,
    ...handlerActions(),
    ...LIVE_EVENTS_READ_ACTIONS,
    ...LIVE_EVENTS_QUEUE_ACTIONS,
    ...org,
  ]);
}

// IAM action names are case-insensitive; de-duplicate on the lower-cased name, keep the first spelling.
function uniqueSorted(actions: string[]): string[] {
  const seen = new Map<string, string>();
  for (const a of actions) if (!seen.has(a.toLowerCase())) seen.set(a.toLowerCase(), a);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}
