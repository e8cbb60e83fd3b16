import { apiPath } from '../api/client';
import type { Connection, SyncRun, SyncRunWithTasks, SyncTask } from '@tally/contract';
import { ProgressBar } from '../components/progress';
import { ErrorBox, Loading } from '../components/states';
import { RunBadge, TaskBadge } from '../components/status';
import { TaskGrid } from '../components/task-grid';
import { absolute, duration, isActive, number, runDurationMs } from '../format';
import { useApi, useNow, useTitle } from '../hooks';
import { errorOf, remediationOf } from '../remediation';
import { Link, routes } from '../router';

const PROBLEM_STATUSES = new Set(['failed', 'denied']);

export function RunPage({ tenantId, runId }: { tenantId: string; runId: string }) {
  // Poll once a second while the run is in progress; stop once it has an outcome.
  const run = useApi<SyncRunWithTasks>(apiPath(['tenants', tenantId, 'syncs', runId]), (r) =>
    isActive(r.status) ? 1000 : false,
  );
  const conn = useApi<Connection>(
    run.data ? apiPath(['tenants', tenantId, 'connections', run.data.connectionId]) : null,
  );
  const now = useNow(1000);
  useTitle(run.data ? `Run ${run.data.status}` : 'Run');
  if (run.loading && !run.data) return <Loading label="Loading run…" />;
  if (!run.data) return <ErrorBox error={run.error} retry={run.reload} />;
  const r = run.data;
  const active = isActive(r.status);
  const tasks = r.tasks;
  const problems = tasks.filter(
    (t) =>
      PROBLEM_STATUSES.has(t.status) ||
      (errorOf(t) && t.status !== 'succeeded' && t.status !== 'unsupported'),
  );
  const runError = errorOf(r);
  const runRemediation = remediationOf(r);
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href={routes.overview()}>Overview</Link> /{' '}
        <Link href={routes.connection(tenantId, r.connectionId)}>{conn.data?.name ?? 'Connection'}</Link> /{' '}
        <span aria-current="page">Run</span>
      </nav>
      <h1>
        Sync run <RunBadge status={r.status} />
      </h1>
      <p class="muted">
        {r.trigger === 'manual' ? 'Started by hand' : r.trigger === 'schedule' ? 'Scheduled' : 'Run'}{' '}
        <span title={absolute(r.startedAt ?? r.createdAt)}>{absolute(r.startedAt ?? r.createdAt)}</span>
        {r.finishedAt && <> · finished {absolute(r.finishedAt)}</>} · {duration(runDurationMs(r, now))}
      </p>
      {run.error !== undefined && (
        <p class="notice" role="status">
          Live updates paused: {(run.error as Error).message}. Retrying…
        </p>
      )}
      <section class="panel" aria-labelledby="progress-h" aria-busy={active}>
        <h2 id="progress-h">{active ? 'Progress' : 'Outcome'}</h2>
        <ProgressBar done={r.tasksDone} total={r.tasksTotal} label="Tasks done" />
        <dl class="stats" aria-live={active ? 'polite' : 'off'}>
          <div>
            <dt>Resources found</dt>
            <dd data-testid="run-resources">{number.format(r.resourcesSeen)}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{number.format(r.created ?? 0)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>{number.format(r.updated ?? 0)}</dd>
          </div>
          <div>
            <dt>Deleted</dt>
            <dd>{number.format(r.deleted ?? 0)}</dd>
          </div>
          <div>
            <dt>Failed tasks</dt>
            <dd class={r.tasksFailed ? 'error-text' : undefined}>{r.tasksFailed}</dd>
          </div>
          {r.apiCalls !== undefined && (
            <div>
              <dt>AWS calls</dt>
              <dd>{number.format(r.apiCalls)}</dd>
            </div>
          )}
        </dl>
        {!active && <OutcomeText run={r} problems={problems.length} />}
      </section>
      {(problems.length > 0 || runError) && (
        <section class="panel" aria-labelledby="errors-h">
          <h2 id="errors-h">Errors ({problems.length + (runError ? 1 : 0)})</h2>
          {runError && (
            <div class="state state-error">
              <p>
                {runError.code && <code>{runError.code}</code>} {runError.message}
              </p>
              {runRemediation && (
                <p>
                  <strong>What to do: </strong>
                  {runRemediation}
                </p>
              )}
            </div>
          )}
          <ul class="errors">
            {problems.map((t) => (
              <TaskError key={t.id} task={t} />
            ))}
          </ul>
        </section>
      )}
      <section class="panel" aria-labelledby="tasks-h">
        <h2 id="tasks-h">Tasks by account, region and type</h2>
        <TaskGrid tasks={tasks} />
      </section>
    </>
  );
}

function OutcomeText({ run, problems }: { run: SyncRun; problems: number }) {
  const text =
    run.status === 'succeeded'
      ? `Every task completed: ${number.format(run.resourcesSeen)} resources are up to date.`
      : run.status === 'partial'
        ? `${problems} task(s) failed; the rest completed. Nothing was deleted for the failed tasks. See the errors below.`
        : 'The run failed. See the error below; nothing was deleted.';
  return <p class={`outcome outcome-${run.status}`}>{text}</p>;
}

function TaskError({ task }: { task: SyncTask }) {
  const remediation = remediationOf(task);
  const err = errorOf(task);
  return (
    <li class="error-item" data-task-id={task.id}>
      <p>
        <TaskBadge status={task.status} /> <strong>{task.resourceType}</strong> in{' '}
        <span class="mono">{task.accountId}</span> / <span class="mono">{task.region}</span>
        {err?.kind && (
          <span class="muted small"> · {err.kind === 'customer' ? 'you can fix this' : err.kind}</span>
        )}
      </p>
      <p>
        {err?.code && <code>{err.code}</code>} {err?.message ?? 'No message.'}
      </p>
      {remediation && (
        <p class="remediation">
          <strong>What to do: </strong>
          {remediation}
        </p>
      )}
    </li>
  );
}
