import { useCallback, useEffect, useState } from 'preact/hooks';
import { apiPath } from '../api/client';
import type { Connection, Page, Summary, SyncRun, SyncRunWithTasks, Tenant } from '@tally/contract';
import { Empty, ErrorBox, Loading } from '../components/states';
import { Badge, connectionState, RunBadge } from '../components/status';
import { absolute, countEntries, isActive, number, relative, shortType } from '../format';
import { useApi, useNow, useTitle } from '../hooks';
import { Link, routes } from '../router';
import { useSession } from '../session';

/** How urgent a connection looks: lower first ("problems first"). */
function severity(c: Connection, run: SyncRun | null | undefined): number {
  if (c.status === 'insecure') return 0;
  if (c.status === 'error') return 1;
  if (run?.status === 'failed') return 2;
  if (run?.status === 'partial') return 3;
  if (c.status === 'pending') return 4;
  if (c.paused) return 5;
  return 6;
}

export function Overview() {
  useTitle('Overview');
  const session = useSession();
  const [worst, setWorst] = useState<Record<string, number>>({});
  const report = useCallback((tenantId: string, level: number) => {
    setWorst((w) => (w[tenantId] === level ? w : { ...w, [tenantId]: level }));
  }, []);
  const tenants = [...session.tenants].sort(
    (a, b) => (worst[a.id] ?? 9) - (worst[b.id] ?? 9) || a.name.localeCompare(b.name),
  );
  return (
    <>
      <h1>Overview</h1>
      {!tenants.length && (
        <Empty title="No tenants yet">
          <p>
            Create one with <code>POST /v1/tenants</code> (admin key), then add a connection to an AWS
            account.
          </p>
        </Empty>
      )}
      {session.moreTenants && <p class="notice">Showing the first 100 tenants.</p>}
      {tenants.map((t) => (
        <TenantSection key={t.id} tenant={t} onSeverity={report} />
      ))}
    </>
  );
}

function TenantSection({
  tenant,
  onSeverity,
}: {
  tenant: Tenant;
  onSeverity: (id: string, level: number) => void;
}) {
  const connections = useApi<Page<Connection>>(
    apiPath(['tenants', tenant.id, 'connections'], { limit: '100' }),
  );
  const summary = useApi<Summary>(apiPath(['tenants', tenant.id, 'summary']));
  const [levels, setLevels] = useState<Record<string, number>>({});
  const report = useCallback(
    (connectionId: string, level: number) =>
      setLevels((l) => (l[connectionId] === level ? l : { ...l, [connectionId]: level })),
    [],
  );
  const items = connections.data?.items ?? [];
  const worst = Math.min(9, ...items.map((c) => levels[c.id] ?? severity(c, undefined)));
  const loaded = connections.data !== undefined;
  useEffect(() => {
    if (loaded) onSeverity(tenant.id, worst);
  }, [loaded, worst]);
  const sorted = [...items].sort(
    (a, b) =>
      (levels[a.id] ?? severity(a, undefined)) - (levels[b.id] ?? severity(b, undefined)) ||
      a.name.localeCompare(b.name),
  );
  const headingId = `tenant-${tenant.id}`;
  return (
    <section class="panel tenant" aria-labelledby={headingId} data-tenant-id={tenant.id}>
      <div class="section-head">
        <h2 id={headingId}>{tenant.name}</h2>
        <Link class="btn btn-quiet" href={routes.inventory(tenant.id)}>
          Browse inventory
        </Link>
      </div>
      <SummaryBlock tenantId={tenant.id} summary={summary} />
      <h3>Connections</h3>
      {connections.loading && !connections.data && <Loading label="Loading connections…" />}
      {connections.error !== undefined && !connections.data && (
        <ErrorBox error={connections.error} retry={connections.reload} />
      )}
      {connections.data && !items.length && (
        <Empty title="No connections yet">
          <p>
            Connect an AWS account with <code>POST /v1/tenants/{tenant.id}/connections</code>; its onboarding
            steps then appear here.
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <div class="table-scroll">
          <table class="connections">
            <caption class="sr-only">Connections of {tenant.name}, problems first</caption>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Status</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                <th scope="col">Resources by type (last run)</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((c) => (
                <ConnectionRow key={c.id} connection={c} onSeverity={report} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SummaryBlock({
  tenantId,
  summary,
}: {
  tenantId: string;
  summary: ReturnType<typeof useApi<Summary>>;
}) {
  if (summary.loading && !summary.data) return <Loading label="Loading inventory summary…" />;
  if (summary.error !== undefined && !summary.data)
    return <ErrorBox error={summary.error} retry={summary.reload} title="Summary unavailable" />;
  const counts = summary.data?.resources;
  const byType = countEntries(counts?.byType);
  const total = counts?.total ?? byType.reduce((s, [, n]) => s + n, 0);
  const errors = summary.data?.errors;
  const problems = errors ? errors.connections + errors.failedRuns : 0;
  return (
    <div class="summary" data-testid="summary">
      <p class="big-number">
        <span data-testid="summary-total">{number.format(total)}</span> <span class="muted">resources</span>
      </p>
      {errors && (
        <p class={problems ? 'summary-problems error-text' : 'summary-problems muted'}>
          {problems ? problemText(errors) : 'No problems'}
        </p>
      )}
      {byType.length > 0 ? (
        <ul class="chips" aria-label="Resources by type">
          {byType.map(([type, n]) => (
            <li key={type}>
              <Link
                href={routes.inventory(tenantId, new URLSearchParams({ type }))}
                class="chip"
                data-type={type}
                data-count={n}
              >
                {shortType(type)} <strong>{number.format(n)}</strong>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No resources collected yet.</p>
      )}
    </div>
  );
}

function ConnectionRow({
  connection: c,
  onSeverity,
}: {
  connection: Connection;
  onSeverity: (id: string, level: number) => void;
}) {
  const now = useNow();
  const runs = useApi<Page<SyncRun>>(
    apiPath(['tenants', c.tenantId, 'connections', c.id, 'syncs'], { limit: '1' }),
    (p) => (p.items[0] && isActive(p.items[0].status) ? 2000 : false),
  );
  const last = runs.data ? (runs.data.items[0] ?? null) : undefined;
  // The fragment is never sent; it makes the hook fetch the tasks again when the run moved on.
  const detail = useApi<SyncRunWithTasks>(
    last ? apiPath(['tenants', c.tenantId, 'syncs', last.id]) + `#${last.status}-${last.tasksDone}` : null,
  );
  const level = runs.data ? severity(c, last) : undefined;
  useEffect(() => {
    if (level !== undefined) onSeverity(c.id, level);
  }, [level]);
  const typeCounts = new Map<string, number>();
  for (const t of detail.data?.tasks ?? [])
    typeCounts.set(t.resourceType, (typeCounts.get(t.resourceType) ?? 0) + t.resourcesSeen);
  const state = connectionState(c);
  return (
    <tr data-connection-id={c.id} class={`row-${state}`}>
      <th scope="row">
        <Link href={routes.connection(c.tenantId, c.id)}>{c.name}</Link>
        <div class="muted small mono">
          {c.accountId} · {c.mode}
        </div>
      </th>
      <td>
        <Badge status={state} />
        {c.paused && c.status !== 'active' && <Badge status={c.status} />}
        {c.statusMessage && (c.status === 'error' || c.status === 'insecure') && (
          <div class="small error-text">{c.statusMessage}</div>
        )}
      </td>
      <td>
        {runs.error !== undefined && !runs.data ? (
          <span class="error-text small">could not load</span>
        ) : last === undefined ? (
          <span class="muted">…</span>
        ) : last === null ? (
          <span class="muted">never run</span>
        ) : (
          <>
            <Link href={routes.run(c.tenantId, last.id)} aria-label={`Last run: ${last.status}`}>
              <RunBadge status={last.status} />
            </Link>
            <div class="small muted" title={absolute(last.finishedAt ?? last.startedAt ?? last.createdAt)}>
              {isActive(last.status)
                ? `${last.tasksDone}/${last.tasksTotal} tasks`
                : relative(last.finishedAt ?? last.createdAt, now)}
            </div>
          </>
        )}
      </td>
      <td>
        <span title={absolute(c.nextSyncAt)}>
          {c.paused ? (
            <span class="muted">paused</span>
          ) : c.status !== 'active' ? (
            <span class="muted">after verification</span>
          ) : (
            relative(c.nextSyncAt, now, 'due')
          )}
        </span>
      </td>
      <td>
        {typeCounts.size ? (
          <ul class="chips chips-small">
            {[...typeCounts]
              .filter(([, n]) => n > 0)
              .sort((a, b) => b[1] - a[1])
              .map(([type, n]) => (
                <li key={type} class="chip">
                  {shortType(type)} <strong>{number.format(n)}</strong>
                </li>
              ))}
          </ul>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
    </tr>
  );
}

function problemText(e: NonNullable<Summary['errors']>): string {
  const parts: string[] = [];
  if (e.connections)
    parts.push(
      `${e.connections} connection${e.connections > 1 ? 's' : ''} need${e.connections > 1 ? '' : 's'} attention`,
    );
  if (e.failedRuns)
    parts.push(
      `${e.failedRuns} latest run${e.failedRuns > 1 ? 's' : ''} with failures (${e.failedTasks} failed task${e.failedTasks === 1 ? '' : 's'})`,
    );
  return parts.join(' · ');
}
