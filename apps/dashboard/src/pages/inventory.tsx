import { useState } from 'preact/hooks';
import { apiPath } from '../api/client';
import type { Counts, Page, Resource, Summary } from '@tally/contract';
import { Empty, ErrorBox, Loading } from '../components/states';
import { countEntries, number, relative, shortType } from '../format';
import { useApi, useNow, useTitle } from '../hooks';
import { Link, navigate, routes, type Location } from '../router';
import { tenantName, useSession } from '../session';

const FILTERS = ['type', 'accountId', 'region', 'tag', 'q', 'includeDeleted'] as const;
const PAGE_SIZE = '50';

/** The inventory: filters live in the URL (shareable), pages are walked with the API's cursor. */
export function Inventory({ tenantId, location }: { tenantId: string; location: Location }) {
  const session = useSession();
  useTitle('Inventory');
  const q = location.query;
  const filters = Object.fromEntries(FILTERS.map((f) => [f, q.get(f) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const cursor = q.get('cursor') ?? undefined;
  const [history, setHistory] = useState<string[]>([]);
  const summary = useApi<Summary>(apiPath(['tenants', tenantId, 'summary']));
  const list = useApi<Page<Resource>>(
    apiPath(['tenants', tenantId, 'resources'], {
      type: filters.type,
      accountId: filters.accountId,
      region: filters.region,
      tag: filters.tag,
      q: filters.q,
      includeDeleted: filters.includeDeleted ? 'true' : undefined,
      limit: PAGE_SIZE,
      cursor,
    }),
  );

  const apply = (next: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) params.set(k, v);
    setHistory([]);
    navigate(routes.inventory(tenantId, params), true);
  };
  const goto = (nextCursor: string | undefined, back: boolean) => {
    const params = new URLSearchParams(q);
    if (nextCursor) params.set('cursor', nextCursor);
    else params.delete('cursor');
    setHistory((h) => (back ? h.slice(0, -1) : [...h, cursor ?? '']));
    navigate(routes.inventory(tenantId, params), true);
    document.getElementById('results')?.focus();
  };

  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href={routes.overview()}>Overview</Link> / <span aria-current="page">Inventory</span>
      </nav>
      <h1>
        Inventory {session.tenants.length > 1 && <span class="muted">· {tenantName(session, tenantId)}</span>}
      </h1>
      <FilterForm key={location.query.toString()} filters={filters} summary={summary.data} onApply={apply} />
      <section class="panel" aria-labelledby="results-h">
        <h2 id="results-h" class="sr-only">
          Results
        </h2>
        <div id="results" tabIndex={-1}>
          {list.loading && !list.data && <Loading label="Loading resources…" />}
          {list.error !== undefined && <ErrorBox error={list.error} retry={list.reload} />}
          {list.data && !list.data.items.length && (
            <Empty
              title={
                Object.values(filters).some(Boolean)
                  ? 'No resource matches these filters'
                  : 'No resources yet'
              }
            >
              <p>
                {Object.values(filters).some(Boolean)
                  ? 'Clear a filter to see more.'
                  : 'Resources appear after the first successful sync.'}
              </p>
            </Empty>
          )}
          {list.data && list.data.items.length > 0 && (
            <ResourceTable tenantId={tenantId} items={list.data.items} busy={list.loading} />
          )}
        </div>
        <div class="pager">
          <button
            type="button"
            class="btn"
            disabled={!cursor || list.loading}
            onClick={() => goto(history[history.length - 1] || undefined, true)}
          >
            ← Previous
          </button>
          <span class="muted small" aria-live="polite">
            Page {history.length + 1}
            {list.data ? ` · ${list.data.items.length} shown` : ''}
          </span>
          <button
            type="button"
            class="btn"
            disabled={!list.data?.nextCursor || list.loading}
            onClick={() => goto(list.data?.nextCursor ?? undefined, false)}
          >
            Next →
          </button>
        </div>
      </section>
    </>
  );
}

/** The filters chosen from the summary's counts. */
const SELECTS = [
  { key: 'type', id: 'f-type', label: 'Type', all: 'All types', counts: 'byType' },
  { key: 'accountId', id: 'f-account', label: 'Account', all: 'All accounts', counts: 'byAccount' },
  { key: 'region', id: 'f-region', label: 'Region', all: 'All regions', counts: 'byRegion' },
] as const;

interface FilterProps {
  filters: Record<string, string>;
  summary?: Summary;
  onApply: (f: Record<string, string>) => void;
}

function FilterForm({ filters, summary, onApply }: FilterProps) {
  const [draft, setDraft] = useState(filters);
  const set = (k: string) => (e: Event) => {
    const el = e.target as HTMLInputElement;
    setDraft((d) => ({ ...d, [k]: el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value }));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    onApply(draft);
  };
  const tagInvalid = draft.tag !== '' && !/^[^:]+:.*$/.test(draft.tag);
  const options = (counts: Counts | undefined, current: string) => {
    const entries = countEntries(counts);
    if (current && !entries.some(([k]) => k === current)) entries.push([current, 0]);
    return entries.map(([k, n]) => (
      <option key={k} value={k}>
        {k} ({number.format(n)})
      </option>
    ));
  };
  return (
    <form class="panel filters" role="search" aria-label="Filter resources" onSubmit={submit}>
      {SELECTS.map((f) => (
        <div class="field" key={f.key}>
          <label for={f.id}>{f.label}</label>
          <select id={f.id} value={draft[f.key]} onChange={set(f.key)}>
            <option value="">{f.all}</option>
            {options(summary?.resources[f.counts], draft[f.key])}
          </select>
        </div>
      ))}
      <div class="field">
        <label for="f-tag">Tag</label>
        <input
          id="f-tag"
          placeholder="key:value"
          value={draft.tag}
          onInput={set('tag')}
          aria-invalid={tagInvalid ? 'true' : undefined}
          aria-describedby="f-tag-help"
        />
        <span id="f-tag-help" class={tagInvalid ? 'field-error small' : 'muted small'}>
          {tagInvalid ? 'Write the tag as key:value' : 'e.g. env:prod'}
        </span>
      </div>
      <div class="field field-wide">
        <label for="f-q">Search</label>
        <input
          id="f-q"
          type="search"
          placeholder="name, identifier or ARN"
          value={draft.q}
          onInput={set('q')}
        />
      </div>
      <div class="field field-check">
        <input
          id="f-deleted"
          type="checkbox"
          checked={draft.includeDeleted === 'true'}
          onChange={set('includeDeleted')}
        />
        <label for="f-deleted">Include deleted</label>
      </div>
      <div class="field field-buttons">
        <button type="submit" class="btn btn-primary" disabled={tagInvalid}>
          Apply filters
        </button>
        <button type="button" class="btn btn-quiet" onClick={() => onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}

function ResourceTable({ tenantId, items, busy }: { tenantId: string; items: Resource[]; busy: boolean }) {
  const now = useNow(60_000);
  return (
    <div class="table-scroll" aria-busy={busy}>
      <table class="resources">
        <caption class="sr-only">Resources</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Account</th>
            <th scope="col">Region</th>
            <th scope="col">Tags</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => {
            const tags = Object.entries(r.tags ?? {});
            return (
              <tr key={r.id} data-resource-id={r.id} class={r.deletedAt ? 'row-deleted' : undefined}>
                <th scope="row" class="wrap">
                  <Link href={routes.resource(tenantId, r.id)}>{r.name || r.identifier}</Link>
                  {r.deletedAt && <span class="badge badge-failed">deleted</span>}
                </th>
                <td title={r.type}>{shortType(r.type)}</td>
                <td class="mono">{r.accountId}</td>
                <td class="mono">{r.region}</td>
                <td>
                  <ul class="chips chips-small">
                    {tags.slice(0, 3).map(([k, v]) => (
                      <li key={k} class="chip">
                        {k}={v}
                      </li>
                    ))}
                    {tags.length > 3 && <li class="muted small">+{tags.length - 3}</li>}
                  </ul>
                </td>
                <td>{relative(r.lastSeenAt, now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
