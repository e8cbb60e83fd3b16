import { useState } from 'preact/hooks';
import { ApiError, apiPath, request } from '../api/client';
import type { Page, Tenant } from '@tally/contract';
import { useTitle } from '../hooks';

interface Props {
  notice?: string;
  onSignedIn: (key: string, tenants: Page<Tenant>) => void;
}

/** Asks for an API key and checks it against the API before keeping it (in sessionStorage only). */
export function SignIn({ notice, onSignedIn }: Props) {
  useTitle('Sign in');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return setError('Enter your API key.');
    if (!trimmed.startsWith('tly_')) {
      return setError(
        'That does not look like a Tally API key: keys start with "tly_". Paste the whole key.',
      );
    }
    setBusy(true);
    setError(null);
    try {
      const tenants = await request<Page<Tenant>>(apiPath(['tenants'], { limit: '100' }), { key: trimmed });
      onSignedIn(trimmed, tenants);
    } catch (err) {
      setError(messageFor(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <form
        class="panel signin-form"
        onSubmit={submit}
        noValidate
        aria-describedby={error ? 'signin-error' : undefined}
      >
        <h1>
          <span class="logo" aria-hidden="true">
            T
          </span>{' '}
          Sign in to Tally
        </h1>
        <p class="muted">
          Use an API key: an admin key shows every tenant, a tenant key shows its own tenant.
        </p>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="tly_…"
          value={key}
          aria-invalid={error ? 'true' : undefined}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          autofocus
        />
        {error && (
          <p id="signin-error" class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p class="muted small">
          The key stays in this browser tab only (session storage) and is sent only to this Tally server.
        </p>
      </form>
    </main>
  );
}

function messageFor(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) {
      return 'This API key was not accepted: it may be mistyped, revoked or expired. Check that you pasted all of it, or ask your Tally operator for a new key.';
    }
    if (err.status === 429) return 'Too many attempts. Wait a minute and try again.';
    if (err.status === 0) return err.problem.detail ?? 'Tally could not be reached.';
    return `Tally answered ${err.status}: ${err.message}`;
  }
  return 'Sign-in failed unexpectedly. Try again.';
}
