import { useState } from 'preact/hooks';
import { ApiError, apiPath, request, requestBlob } from '../api/client';
import type { Connection, Page, SyncRun, Verification } from '../api/types';
import { RunChart } from '../components/run-chart';
import { Empty, ErrorBox, Loading } from '../components/states';
import { Badge, connectionState, RunBadge } from '../components/status';
import { TaskGrid } from '../components/task-grid';
import { absolute, duration, isActive, number, relative, runDurationMs } from '../format';
import { useApi, useNow, useTitle } from '../hooks';
import { Link, navigate, routes } from '../router';

export function ConnectionPage({ tenantId, connectionId }: { tenantId: string; connectionId: string }) {
  const conn = useApi<Connection>(apiPath(['tenants', tenantId, 'connections', connectionId]));
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
        <Actions connection={c} onChanged={conn.reload} latest={latest} />
      </div>
      <Facts connection={c} />
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

function Facts({ connection: c }: { connection: Connection }) {
  const now = useNow();
  return (
    <dl class="facts panel">
      <dt>AWS account</dt>
      <dd class="mono">{c.accountId}</dd>
      <dt>Mode</dt>
      <dd>{c.mode === 'organization' ? 'Organization (every member account)' : 'Single account'}</dd>
      <dt>Regions</dt>
      <dd>{c.regions.join(', ') || '—'}</dd>
      <dt>Resource types</dt>
      <dd>{c.resourceTypes.length ? c.resourceTypes.join(', ') : 'all supported types'}</dd>
      <dt>Role</dt>
      <dd class="mono">{c.roleName}</dd>
      <dt>Interval</dt>
      <dd>every {c.syncIntervalMinutes} min</dd>
      <dt>Last sync</dt>
      <dd title={absolute(c.lastSyncAt)}>{relative(c.lastSyncAt, now)}</dd>
      <dt>Next sync</dt>
      <dd title={absolute(c.nextSyncAt)}>
        {c.paused
          ? 'paused'
          : c.status === 'active'
            ? relative(c.nextSyncAt, now, 'due')
            : 'after verification'}
      </dd>
    </dl>
  );
}

function Actions({
  connection: c,
  onChanged,
  latest,
}: {
  connection: Connection;
  onChanged: () => void;
  latest?: SyncRun;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const base = ['tenants', c.tenantId, 'connections', c.id];
  const syncNow = async () => {
    setBusy('sync');
    setError(undefined);
    try {
      const run = await request<SyncRun>(apiPath([...base, 'syncs']), { method: 'POST' });
      navigate(routes.run(c.tenantId, run.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const togglePause = async () => {
    setBusy('pause');
    setError(undefined);
    try {
      await request(apiPath(base), { method: 'PATCH', body: { paused: !c.paused } });
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const running = latest && isActive(latest.status);
  return (
    <div class="actions">
      <button
        type="button"
        class="btn btn-primary"
        onClick={syncNow}
        disabled={busy !== null || c.status !== 'active'}
        title={c.status !== 'active' ? 'Only active (verified) connections can sync' : undefined}
      >
        {busy === 'sync' ? 'Starting…' : running ? 'Sync running: view' : 'Sync now'}
      </button>
      <button type="button" class="btn" onClick={togglePause} disabled={busy !== null}>
        {c.paused ? 'Resume schedule' : 'Pause schedule'}
      </button>
      {error !== undefined && <ErrorBox error={error} />}
    </div>
  );
}

function Onboarding({ connection: c, onVerified }: { connection: Connection; onVerified: () => void }) {
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
        {verification && <Checks verification={verification} at={result ? undefined : c.verifiedAt} />}
      </details>
    </section>
  );
}

function Checks({ verification, at }: { verification: Verification; at?: string | null }) {
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

function TemplateDownload({ connection: c }: { connection: Connection }) {
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

function CopyBlock({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="copy">
      <pre tabIndex={0} aria-label={label}>
        <code>{text}</code>
      </pre>
      <button type="button" class="btn btn-quiet" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

function RunHistory({ tenantId, runs }: { tenantId: string; runs: SyncRun[] }) {
  const now = useNow(5000);
  return (
    <>
      <RunChart runs={runs} now={now} />
      <div class="table-scroll">
        <table>
          <caption class="sr-only">Recent runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Outcome</th>
              <th scope="col">Trigger</th>
              <th scope="col" class="num">
                Duration
              </th>
              <th scope="col" class="num">
                Tasks
              </th>
              <th scope="col" class="num">
                Resources
              </th>
              <th scope="col" class="num">
                Changes
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link href={routes.run(tenantId, r.id)} title={absolute(r.startedAt ?? r.createdAt)}>
                    {relative(r.startedAt ?? r.createdAt, now)}
                  </Link>
                </td>
                <td>
                  <RunBadge status={r.status} />
                </td>
                <td>{r.trigger ?? '—'}</td>
                <td class="num">{duration(runDurationMs(r, now))}</td>
                <td class="num">
                  {r.tasksDone}/{r.tasksTotal}
                  {r.tasksFailed > 0 && <span class="error-text"> ({r.tasksFailed} failed)</span>}
                </td>
                <td class="num">{number.format(r.resourcesSeen)}</td>
                <td class="num small">
                  +{r.created ?? 0} ~{r.updated ?? 0} −{r.deleted ?? 0}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function LatestRun({ tenantId, run }: { tenantId: string; run: SyncRun }) {
  // The fragment is never sent: it refetches the tasks whenever the run's progress changes.
  const detail = useApi<SyncRun>(
    apiPath(['tenants', tenantId, 'syncs', run.id]) + `#${run.status}-${run.tasksDone}`,
  );
  return (
    <section class="panel" aria-labelledby="latest-h">
      <div class="section-head">
        <h2 id="latest-h">
          Latest run <RunBadge status={run.status} />
        </h2>
        <Link href={routes.run(tenantId, run.id)}>Open run</Link>
      </div>
      {detail.loading && !detail.data && <Loading label="Loading tasks…" />}
      {detail.error !== undefined && !detail.data && <ErrorBox error={detail.error} retry={detail.reload} />}
      {detail.data && <TaskGrid tasks={detail.data.tasks ?? []} />}
    </section>
  );
}
