import { useState } from 'preact/hooks';
import type { Connection, SyncRun } from '@tally/contract';
import { apiPath, request } from '../../api/client';
import { ErrorBox } from '../../components/states';
import { isActive } from '../../format';
import { navigate, routes } from '../../router';

/** Sync now, and pause or resume the schedule. */
export function ConnectionActions({
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
