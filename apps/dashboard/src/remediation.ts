import type { RunError, SyncRun, SyncTask } from '@tally/contract';

// Tasks carry an AWS error code and message; when the API does not add a remediation itself,
// these say what the customer can do about the common ones.
const HINTS: [RegExp, string][] = [
  [
    /AccessDenied/i,
    "Tally's role may not read this resource type. Update the CloudFormation stack to the latest template (it grants the read permissions each type needs), or remove the type from the connection.",
  ],
  [/UnsupportedAction/i, 'AWS does not offer this resource type in this region; nothing to do.'],
  [
    /Throttl|TooManyRequests|RequestLimitExceeded/i,
    'AWS throttled the calls. Tally retries on its own; frequent throttling means the sync interval may be too short.',
  ],
  [
    /InvalidIdentityToken|IDPCommunication/i,
    "AWS could not verify Tally's token: check that the stack's OIDC provider uses this Tally issuer URL, then Verify the connection again.",
  ],
  [
    /ExpiredToken/i,
    'The token expired before AWS checked it (clock skew). Tally retries; if it persists, contact the operator.',
  ],
  [
    /RegionDisabled|OptInRequired|region.*not.*enabled/i,
    'The region is not enabled in this account: enable it, or remove it from the connection.',
  ],
  [
    /HandlerInternalFailure|InternalFailure|ServiceUnavailable|5\d\d/i,
    'A temporary AWS failure; the next sync retries it.',
  ],
];

/** A run's or task's classified error, or null. */
export function errorOf(x: SyncTask | SyncRun): RunError {
  return x.error;
}

/** The remediation to show for a failed task or run: a hint from its error code. */
export function remediationOf(x: SyncTask | SyncRun): string | undefined {
  const e = errorOf(x);
  const text = `${e?.code ?? ''} ${e?.message ?? ''}`;
  if (x.status === 'denied' && !/AccessDenied/i.test(text)) return HINTS[0][1];
  if (!e) return undefined;
  return HINTS.find(([re]) => re.test(text))?.[1];
}
