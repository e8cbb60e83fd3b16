import type { ConnectionWithOnboarding, Page, SyncRun } from '@tally/contract';
import { apiPath } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/states';
import { Badge, connectionState } from '../../components/status';
import { isActive } from '../../format';
import { useApi, useTitle } from '../../hooks';
import { Link, routes } from '../../router';
import { ConnectionActions } from './connection-actions';
import { ConnectionFacts } from './connection-facts';
import { LatestRun } from './latest-run';
import { Onboarding } from './onboarding';
import { RunHistory } from './run-history';

export function ConnectionPage({ tenantId, connectionId }: { tenantId: string; connectionId: string }) {
  const conn = useApi<ConnectionWithOnboarding>(apiPath(['tenants', tenantId, 'connections', connectionId]));
  const runs = useApi<Page<SyncRun>>(
    apiPath(['tenants', tenantId, 'connections', connectionId, 'syncs'], { limit: '30' }),
    (p) => (p.items.some((r) => isActive(r.status)) ? 2000 : false),
  );
  useTitle(conn.data?.name ?? 'Connection');
  if (conn.loading && !conn.data) return <Loading label="Loading connection…" />;
  if (!conn.data) return <ErrorBox error={conn.error} retry={conn.reload} />;
  const c = conn.data;
  const latest = runs.data?.items[0];
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href={routes.overview()}>Overview</Link> / <span aria-current="page">{c.name}</span>
      </nav>
      <div class="section-head">
        <h1>
          {c.name} <Badge status={connectionState(c)} />
        </h1>
        <ConnectionActions connection={c} onChanged={conn.reload} latest={latest} />
      </div>
      <ConnectionFacts connection={c} />
      {c.statusMessage && c.status !== 'active' && (
        <p class={c.status === 'pending' ? 'notice' : 'state state-error'} role="status">
          {c.statusMessage}
        </p>
      )}
      <Onboarding connection={c} onVerified={conn.reload} />
      <section class="panel" aria-labelledby="history-h">
        <h2 id="history-h">Run history</h2>
        {runs.loading && !runs.data && <Loading label="Loading runs…" />}
        {runs.error !== undefined && !runs.data && <ErrorBox error={runs.error} retry={runs.reload} />}
        {runs.data && !runs.data.items.length && (
          <Empty title="No runs yet">
            <p>
              {c.status === 'active'
                ? 'Press "Sync now" to collect the inventory.'
                : 'Verify the connection first; syncs start once it is active.'}
            </p>
          </Empty>
        )}
        {runs.data && runs.data.items.length > 0 && <RunHistory tenantId={tenantId} runs={runs.data.items} />}
      </section>
      {latest && <LatestRun tenantId={tenantId} run={latest} />}
    </>
  );
}
