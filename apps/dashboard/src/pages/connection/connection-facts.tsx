import type { Connection } from '@tally/contract';
import { absolute, relative } from '../../format';
import { useNow } from '../../hooks';

/** What the connection is: account, mode, scope, role and schedule. */
export function ConnectionFacts({ connection: c }: { connection: Connection }) {
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
