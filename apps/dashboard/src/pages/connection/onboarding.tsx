import { useState } from 'preact/hooks';
import type { ConnectionWithOnboarding, Verification } from '@tally/contract';
import { apiPath, request } from '../../api/client';
import { CopyBlock } from '../../components/copy-block';
import { ErrorBox } from '../../components/states';
import { TemplateDownload } from './template-download';
import { VerificationChecks } from './verification-checks';

/** How to deploy the stack (parameters, template, quick-create link or CLI), then Verify. */
export function Onboarding({
  connection: c,
  onVerified,
}: {
  connection: ConnectionWithOnboarding;
  onVerified: () => void;
}) {
  const [result, setResult] = useState<Verification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const verification = result ?? c.verification ?? null;
  const ob = c.onboarding;

  const verify = async () => {
    setVerifying(true);
    setError(undefined);
    try {
      const v = await request<Verification>(apiPath(['tenants', c.tenantId, 'connections', c.id, 'verify']), {
        method: 'POST',
      });
      setResult(v);
      onVerified();
    } catch (err) {
      // A failed verification may still carry its checks in the problem document.
      setError(err);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="onboarding-h">
      <details open={c.status !== 'active'}>
        <summary>
          <h2 id="onboarding-h">Onboarding and verification</h2>
        </summary>
        <ol class="steps">
          <li>
            <p>
              Deploy Tally's CloudFormation stack in account <span class="mono">{c.accountId}</span>
              {c.mode === 'organization'
                ? ' (the management account; a StackSet reaches every member account)'
                : ''}
              . It creates an OIDC provider that trusts this Tally and a read-only role Tally assumes with web
              identity: no keys are exchanged.
            </p>
            {ob?.parameters && Object.keys(ob.parameters).length > 0 && (
              <div class="table-scroll">
                <table class="kv">
                  <caption>Stack parameters</caption>
                  <tbody>
                    {Object.entries(ob.parameters).map(([k, v]) => (
                      <tr key={k}>
                        <th scope="row">{k}</th>
                        <td class="mono wrap">{String(v)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {ob?.roleArn && (
              <p>
                Role Tally will assume: <code class="wrap">{ob.roleArn}</code>
              </p>
            )}
            <p class="actions">
              <TemplateDownload connection={c} />
              {ob?.quickCreateUrl && (
                <a class="btn" href={ob.quickCreateUrl} target="_blank" rel="noopener noreferrer">
                  Open quick-create in the AWS console
                </a>
              )}
            </p>
            {ob?.cliCommand && (
              <div>
                <p>Or with the AWS CLI:</p>
                <CopyBlock text={ob.cliCommand} label="CLI command" />
              </div>
            )}
          </li>
          <li>
            <p>
              Then verify: Tally assumes the role, makes a harmless read and checks that no other subject is
              trusted.
            </p>
            <button type="button" class="btn btn-primary" onClick={verify} disabled={verifying}>
              {verifying ? 'Verifying…' : 'Verify'}
            </button>
          </li>
        </ol>
        {error !== undefined && <ErrorBox error={error} />}
        {verification && (
          <VerificationChecks verification={verification} at={result ? undefined : c.verifiedAt} />
        )}
      </details>
    </section>
  );
}
