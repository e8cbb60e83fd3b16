import type { SyncRun } from '@tally/contract';
import { RunChart } from '../../components/run-chart';
import { RunBadge } from '../../components/status';
import { absolute, duration, number, relative, runDurationMs } from '../../format';
import { useNow } from '../../hooks';
import { Link, routes } from '../../router';

/** The connection's recent runs: a chart and a table, newest first. */
export function RunHistory({ tenantId, runs }: { tenantId: string; runs: SyncRun[] }) {
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
