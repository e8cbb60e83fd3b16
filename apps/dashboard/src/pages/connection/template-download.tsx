import { useState } from 'preact/hooks';
import type { Connection } from '@tally/contract';
import { ApiError, apiPath, requestBlob } from '../../api/client';

/** Downloads the connection's CloudFormation template (the request needs the API key). */
export function TemplateDownload({ connection: c }: { connection: Connection }) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      // The template needs the Authorization header, so it is fetched and handed over as a file.
      const blob = await requestBlob(
        apiPath(['tenants', c.tenantId, 'connections', c.id, 'cloudformation']),
        'application/yaml, text/yaml, */*',
      );
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `tally-${c.mode}-${c.accountId}.yaml`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The template could not be downloaded.');
    }
  };
  return (
    <>
      <button type="button" class="btn" onClick={download}>
        Download the CloudFormation template
      </button>
      {error && (
        <span role="alert" class="error-text">
          {' '}
          {error}
        </span>
      )}
    </>
  );
}
