import type { Verification } from '@tally/contract';
import { Badge } from '../../components/status';
import { absolute } from '../../format';

/** The outcome of a verification, check by check, with what to do about each failure. */
export function VerificationChecks({
  verification,
  at,
}: {
  verification: Pick<Verification, 'status' | 'checks'>;
  at?: string | null;
}) {
  const checks = Array.isArray(verification.checks) ? verification.checks : [];
  return (
    <div class="checks" aria-live="polite">
      <h3>
        Verification {verification.status && <Badge status={verification.status} />}{' '}
        {at && <span class="muted small">{absolute(at)}</span>}
      </h3>
      <ul>
        {checks.map((check) => (
          <li key={check.name} class={check.ok ? 'check-ok' : 'check-fail'}>
            <span class="check-mark" aria-hidden="true">
              {check.ok ? '✓' : '✗'}
            </span>
            <span class="sr-only">{check.ok ? 'passed: ' : 'failed: '}</span>
            <strong>{check.name}</strong> {check.message && <span>{check.message}</span>}
            {!check.ok && check.remediation && (
              <p class="remediation">
                <strong>What to do: </strong>
                {check.remediation}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
