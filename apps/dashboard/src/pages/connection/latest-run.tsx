import type { SyncRun, SyncRunWithTasks } from '@tally/contract';
import { apiPath } from '../../api/client';
import { ErrorBox, Loading } from '../../components/states';
import { RunBadge } from '../../components/status';
import { TaskGrid } from '../../components/task-grid';
import { useApi } from '../../hooks';
import { Link, routes } from '../../router';

/** The latest run's tasks, refreshed as the run moves on. */
export function LatestRun({ tenantId, run }: { tenantId: string; run: SyncRun }) {
  // The fragment is never sent: it refetches the tasks whenever the run's progress changes.
  const detail = useApi<SyncRunWithTasks>(
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
      {detail.data && <TaskGrid tasks={detail.data.tasks} />}
    </section>
  );
}
