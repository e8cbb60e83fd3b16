import type { Counts, RunStatus, SyncRun } from '@tally/contract';

/** "4 min ago" / "in 12 min" relative to now; `due` says "due now" for a past schedule. */
export function relative(iso: string | null | undefined, now = Date.now(), future?: 'due'): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const diff = t - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  if (abs < 5000) return 'just now';
  if (future === 'due' && diff < 0) return 'due now';
  const [size, unit] = units.find(([s]) => abs >= s) ?? [1000, 's'];
  const n = Math.floor(abs / size);
  return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

export function absolute(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

/** 850 ms, 12.4 s, 3 min 5 s. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function runDurationMs(run: SyncRun, now = Date.now()): number | null {
  if (run.durationMs !== undefined && run.durationMs !== null) return run.durationMs;
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return end - Date.parse(run.startedAt);
}

export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}

export const number = new Intl.NumberFormat('en');

/** `{k: n}` as `[key, count]` pairs, largest first. */
export function countEntries(counts: Counts | undefined): [string, number][] {
  return Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** `AWS::EC2::Instance` → `EC2 Instance`. */
export function shortType(type: string): string {
  return type.replace(/^AWS::/, '').replace('::', ' ');
}
