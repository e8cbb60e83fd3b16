import { useState } from 'preact/hooks';
import type { SyncTask } from '@tally/contract';
import { duration, number, shortType } from '../format';
import { errorOf, remediationOf } from '../remediation';
import { TaskBadge } from './status';

/**
 * The latest run as an (account × region) × type grid, each cell coloured by task status and
 * showing its resource count; hovering or focusing a cell shows its error, choosing it pins the details.
 */
export function TaskGrid({ tasks }: { tasks: SyncTask[] }) {
  const [selected, setSelected] = useState<string | null>(null);
  const types = [...new Set(tasks.map((t) => t.resourceType))].sort();
  const rows = [...new Set(tasks.map((t) => `${t.accountId} ${t.region}`))].sort();
  const byKey = new Map(tasks.map((t) => [`${t.accountId} ${t.region} ${t.resourceType}`, t]));
  const chosen = tasks.find((t) => t.id === selected);
  if (!tasks.length) return <p class="muted">This run has no tasks yet.</p>;
  return (
    <div>
      <div class="table-scroll grid-scroll">
        <table class="grid">
          <caption class="sr-only">Tasks of the run by account, region and resource type</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Region</th>
              {types.map((t) => (
                <th scope="col" key={t} title={t}>
                  {shortType(t)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const [account, region] = row.split(' ');
              return (
                <tr key={row}>
                  <th scope="row" class="mono">
                    {account}
                  </th>
                  <td class="mono">{region}</td>
                  {types.map((type) => {
                    const task = byKey.get(`${row} ${type}`);
                    return (
                      <td key={type}>
                        {task ? (
                          <Cell task={task} selected={task.id === selected} onSelect={setSelected} />
                        ) : (
                          <span class="muted">—</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Legend />
      {chosen && <TaskDetail task={chosen} onClose={() => setSelected(null)} />}
    </div>
  );
}

function Cell({
  task,
  selected,
  onSelect,
}: {
  task: SyncTask;
  selected: boolean;
  onSelect: (id: string | null) => void;
}) {
  const tipId = `tip-${task.id}`;
  const err = errorOf(task);
  const label = `${task.accountId} ${task.region} ${task.resourceType}: ${task.status}, ${task.resourcesSeen} resources`;
  return (
    <span class="cell-wrap">
      <button
        type="button"
        class={`cell cell-${task.status}${selected ? ' cell-selected' : ''}`}
        aria-label={label}
        aria-describedby={tipId}
        aria-pressed={selected}
        data-status={task.status}
        data-type={task.resourceType}
        onClick={() => onSelect(selected ? null : task.id)}
      >
        {cellText(task)}
      </button>
      <span role="tooltip" id={tipId} class="tip">
        <strong>{task.status}</strong> · {number.format(task.resourcesSeen)} resources ·{' '}
        {duration(task.durationMs)}
        {err && (
          <>
            <br />
            {err.code && <code>{err.code}</code>} {err.message}
          </>
        )}
      </span>
    </span>
  );
}

function cellText(task: SyncTask): string {
  switch (task.status) {
    case 'failed':
    case 'denied':
      return `${task.status === 'denied' ? 'denied' : 'failed'}`;
    case 'unsupported':
      return 'n/a';
    case 'pending':
      return '…';
    case 'running':
      return `${task.resourcesSeen}…`;
    default:
      return number.format(task.resourcesSeen);
  }
}

function TaskDetail({ task, onClose }: { task: SyncTask; onClose?: () => void }) {
  const remediation = remediationOf(task);
  const err = errorOf(task);
  return (
    <section class="panel task-detail" aria-label="Task details" aria-live="polite">
      <h3>
        {task.resourceType} in {task.accountId} / {task.region} <TaskBadge status={task.status} />
      </h3>
      <dl class="facts">
        <dt>Resources</dt>
        <dd>{number.format(task.resourcesSeen)}</dd>
        <dt>Duration</dt>
        <dd>{duration(task.durationMs)}</dd>
        {task.attempts !== undefined && (
          <>
            <dt>Attempts</dt>
            <dd>{task.attempts}</dd>
          </>
        )}
        {task.apiCalls !== undefined && (
          <>
            <dt>AWS calls</dt>
            <dd>{task.apiCalls}</dd>
          </>
        )}
      </dl>
      {err && (
        <div class="error-text">
          <p>
            {err.code && <code>{err.code}</code>} {err.message}
          </p>
          {remediation && (
            <p>
              <strong>What to do: </strong>
              {remediation}
            </p>
          )}
        </div>
      )}
      {onClose && (
        <button type="button" class="btn btn-quiet" onClick={onClose}>
          Close details
        </button>
      )}
    </section>
  );
}

function Legend() {
  const items = ['succeeded', 'running', 'pending', 'failed', 'denied', 'unsupported', 'skipped'];
  return (
    <ul class="legend" aria-label="Legend">
      {items.map((s) => (
        <li key={s}>
          <span class={`swatch cell-${s}`} aria-hidden="true" /> {s}
        </li>
      ))}
    </ul>
  );
}
