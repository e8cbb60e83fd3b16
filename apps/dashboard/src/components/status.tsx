import type { Connection, RunStatus, TaskStatus } from '@tally/contract';

const LABELS: Record<string, string> = {
  pending: 'pending',
  active: 'active',
  error: 'error',
  insecure: 'insecure',
  paused: 'paused',
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  partial: 'partial',
  failed: 'failed',
  unsupported: 'unsupported',
  denied: 'denied',
  skipped: 'skipped',
  never: 'never run',
};

/** A coloured badge that also says its status in words (colour is never the only signal). */
export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}

/** What a connection shows: paused wins over its verification status. */
export function connectionState(c: Connection): string {
  return c.paused ? 'paused' : c.status;
}

export function RunBadge({ status }: { status: RunStatus | undefined }) {
  return <Badge status={status ?? 'never'} />;
}

export function TaskBadge({ status }: { status: TaskStatus }) {
  return <Badge status={status} />;
}
