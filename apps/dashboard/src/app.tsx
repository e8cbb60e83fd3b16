import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, apiPath, onUnauthorized, request, storedKey, storeKey } from './api/client';
import type { Page, Tenant } from '@tally/contract';
import { ErrorBoundary } from './components/error-boundary';
import { ErrorBox, Loading } from './components/states';
import { ConnectionPage } from './pages/connection/connection-page';
import { Inventory } from './pages/inventory';
import { Overview } from './pages/overview';
import { ResourcePage } from './pages/resource';
import { RunPage } from './pages/run';
import { SignIn } from './pages/sign-in';
import { Link, match, navigate, routes, useLocation, type Location } from './router';
import { SessionContext, useSession, type Session } from './session';

type Auth =
  | { state: 'checking' }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; tenants: Page<Tenant> }
  | { state: 'failed'; error: unknown };

export function App() {
  const [auth, setAuth] = useState<Auth>(() =>
    storedKey() ? { state: 'checking' } : { state: 'signed-out' },
  );
  const location = useLocation();

  const signOut = (notice?: string) => {
    storeKey(null);
    setAuth({ state: 'signed-out', notice });
  };

  // A key kept from earlier in this tab is checked again; a 401 later anywhere signs out.
  useEffect(() => {
    if (auth.state !== 'checking') return;
    request<Page<Tenant>>(apiPath(['tenants'], { limit: '100' }))
      .then((tenants) => setAuth({ state: 'signed-in', tenants }))
      .catch((error) => {
        if (error instanceof ApiError && error.status === 401)
          signOut('Your API key is no longer accepted. Sign in again.');
        else setAuth({ state: 'failed', error });
      });
  }, [auth.state]);
  useEffect(() => onUnauthorized(() => signOut('Your API key was revoked or expired. Sign in again.')), []);

  const session = useMemo<Session | null>(
    () =>
      auth.state === 'signed-in'
        ? {
            tenants: auth.tenants.items,
            moreTenants: auth.tenants.nextCursor !== null,
            signOut: () => {
              // The next key may belong to another tenant: start it on the overview.
              navigate(routes.overview(), true);
              signOut();
            },
          }
        : null,
    [auth],
  );

  if (auth.state === 'signed-out') {
    return (
      <SignIn
        notice={auth.notice}
        onSignedIn={(key, tenants) => {
          storeKey(key);
          setAuth({ state: 'signed-in', tenants });
        }}
      />
    );
  }
  if (auth.state === 'checking') return <Loading label="Signing in…" />;
  if (auth.state === 'failed') {
    return (
      <main id="main" class="signin">
        <ErrorBox error={auth.error} retry={() => setAuth({ state: 'checking' })} />
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell location={location} />
    </SessionContext.Provider>
  );
}

function Shell({ location }: { location: Location }) {
  const session = useSession();
  const single = session.tenants.length === 1 ? session.tenants[0] : undefined;
  const onInventory = location.path.includes('/resources');
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href={routes.overview()} class="brand" aria-label="Tally overview">
          <span class="logo" aria-hidden="true">
            T
          </span>
          Tally
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href={routes.overview()} aria-current={location.path === '/' ? 'page' : undefined}>
                Overview
              </Link>
            </li>
            {single && (
              <li>
                <Link href={routes.inventory(single.id)} aria-current={onInventory ? 'page' : undefined}>
                  Inventory
                </Link>
              </li>
            )}
          </ul>
        </nav>
        <div class="who">
          <span class="muted small">{single ? single.name : `${session.tenants.length} tenants`}</span>
          <button type="button" class="btn btn-quiet" onClick={() => session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.path}>
          <Routes location={location} />
        </ErrorBoundary>
      </main>
    </>
  );
}

function Routes({ location }: { location: Location }) {
  const path = location.path.replace(/\/+$/, '') || '/';
  let m: Record<string, string> | null;
  if (path === '/') return <Overview />;
  if ((m = match('/tenants/:t/connections/:c', path)))
    return <ConnectionPage key={m.c} tenantId={m.t} connectionId={m.c} />;
  if ((m = match('/tenants/:t/runs/:r', path))) return <RunPage key={m.r} tenantId={m.t} runId={m.r} />;
  if ((m = match('/tenants/:t/resources', path)))
    return <Inventory key={m.t} tenantId={m.t} location={location} />;
  if ((m = match('/tenants/:t/resources/:id', path)))
    return <ResourcePage key={m.id} tenantId={m.t} resourceId={m.id} />;
  return (
    <div class="state state-empty">
      <p class="state-title">This page does not exist</p>
      <p>
        <button type="button" class="btn" onClick={() => navigate(routes.overview())}>
          Go to the overview
        </button>
      </p>
    </div>
  );
}
