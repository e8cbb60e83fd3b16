import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty">
      <p class="state-title">{title}</p>
      {children && <div class="state-body">{children}</div>}
    </div>
  );
}

/** What went wrong, what to do, and the request id to quote: never a stack trace. */
export function ErrorBox({ error, retry, title }: { error: unknown; retry?: () => void; title?: string }) {
  const { heading, detail, remediation, requestId, fields } = describe(error);
  return (
    <div class="state state-error" role="alert">
      <p class="state-title">{title ?? heading}</p>
      {detail && <p>{detail}</p>}
      {remediation && (
        <p>
          <strong>What to do: </strong>
          {remediation}
        </p>
      )}
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {requestId && <p class="muted">Request id: {requestId}</p>}
      {retry && (
        <button type="button" class="btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

function describe(error: unknown) {
  if (error instanceof ApiError) {
    const p = error.problem;
    const heading =
      error.status === 404
        ? 'Not found'
        : error.status === 403
          ? 'Not allowed with this API key'
          : error.status === 429
            ? 'Too many requests'
            : error.status === 0
              ? 'Cannot reach Tally'
              : (p.title ?? `Request failed (${error.status})`);
    const detail =
      error.status === 404 ? (p.detail ?? 'It does not exist, or this API key cannot see it.') : p.detail;
    const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    return { heading, detail, remediation: p.remediation, requestId: p.requestId, fields };
  }
  return {
    heading: 'Something went wrong',
    detail: 'The page hit an unexpected problem. Try again; if it persists, reload the page.',
    remediation: undefined,
    requestId: undefined,
    fields: [] as string[],
  };
}
