import { apiPath } from '../api/client';
import type { ResourceWithChanges } from '@tally/contract';
import { Empty, ErrorBox, Loading } from '../components/states';
import { absolute } from '../format';
import { useApi, useTitle } from '../hooks';
import { Link, routes } from '../router';

export function ResourcePage({ tenantId, resourceId }: { tenantId: string; resourceId: string }) {
  const res = useApi<ResourceWithChanges>(apiPath(['tenants', tenantId, 'resources', resourceId]));
  useTitle(res.data?.name ?? res.data?.identifier ?? 'Resource');
  if (res.loading && !res.data) return <Loading label="Loading resource…" />;
  if (!res.data) return <ErrorBox error={res.error} retry={res.reload} />;
  const r = res.data;
  const tags = Object.entries(r.tags ?? {});
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href={routes.overview()}>Overview</Link> /{' '}
        <Link href={routes.inventory(tenantId)}>Inventory</Link> /{' '}
        <span aria-current="page">{r.name || r.identifier}</span>
      </nav>
      <h1 class="wrap">
        {r.name || r.identifier} {r.deletedAt && <span class="badge badge-failed">deleted</span>}
      </h1>
      <dl class="facts panel">
        <dt>Type</dt>
        <dd>
          <Link href={routes.inventory(tenantId, new URLSearchParams({ type: r.type }))}>{r.type}</Link>
        </dd>
        <dt>Identifier</dt>
        <dd class="mono wrap">{r.identifier}</dd>
        {r.arn && (
          <>
            <dt>ARN</dt>
            <dd class="mono wrap">{r.arn}</dd>
          </>
        )}
        <dt>Account / region</dt>
        <dd class="mono">
          {r.accountId} / {r.region}
        </dd>
        <dt>First seen</dt>
        <dd>{absolute(r.firstSeenAt)}</dd>
        <dt>Last seen</dt>
        <dd>{absolute(r.lastSeenAt)}</dd>
        {r.deletedAt && (
          <>
            <dt>Deleted</dt>
            <dd>{absolute(r.deletedAt)}</dd>
          </>
        )}
      </dl>
      <div class="two-col">
        <section class="panel" aria-labelledby="tags-h">
          <h2 id="tags-h">Tags</h2>
          {tags.length ? (
            <table class="kv">
              <tbody>
                {tags.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">
                      <Link href={routes.inventory(tenantId, new URLSearchParams({ tag: `${k}:${v}` }))}>
                        {k}
                      </Link>
                    </th>
                    <td class="wrap">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">No tags.</p>
          )}
          <h2>Relationships</h2>
          {r.relationships?.length ? (
            <ul>
              {r.relationships.map((rel) => (
                <li key={`${rel.type}-${rel.target}`}>
                  {rel.type}: <code class="wrap">{rel.target}</code>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">None known.</p>
          )}
        </section>
        <section class="panel" aria-labelledby="changes-h">
          <h2 id="changes-h">Change history</h2>
          {r.changes?.length ? (
            <ol class="timeline">
              {r.changes.map((c, i) => (
                <li key={`${c.at}-${i}`}>
                  <span class={`badge badge-change-${c.kind}`}>{c.kind}</span> {absolute(c.at)}
                  {c.runId && (
                    <>
                      {' '}
                      · <Link href={routes.run(tenantId, c.runId)}>run</Link>
                    </>
                  )}
                  {c.changedFields && c.changedFields.length > 0 && (
                    <div class="small muted wrap">changed: {c.changedFields.join(', ')}</div>
                  )}
                </li>
              ))}
            </ol>
          ) : (
            <Empty title="No changes recorded" />
          )}
        </section>
      </div>
      <section class="panel" aria-labelledby="props-h">
        <h2 id="props-h">Properties</h2>
        <p class="muted small">As AWS Cloud Control returned them.</p>
        <pre class="json" tabIndex={0} aria-label="Properties (JSON)">
          {JSON.stringify(r.properties ?? {}, null, 2)}
        </pre>
      </section>
    </>
  );
}
