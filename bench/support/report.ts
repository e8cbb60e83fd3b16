// One benchmark's outcome: a table row (measured figure vs a bound measured or computed in the same
// run) plus the notes that say what limited it. Rows are merged into bench/results/latest.json and
// BENCHMARKS.md is rendered from that file.

export interface BenchRow {
  /** `ingest`, `ingest (re-sync)`, `api type=`, … */
  name: string;
  measured: string;
  bound: string;
  /** The number compared with the target (e.g. 0.62 = 62 % of COPY). */
  ratio: number | null;
  /** e.g. `≥ 0.5`, `p99 < 50 ms`. */
  target: string;
  pass: boolean | null;
}

export interface BenchResult {
  bench: string;
  startedAt: string;
  seconds: number;
  /** What was run (sizes and settings), for BENCHMARKS.md. */
  setup: string[];
  rows: BenchRow[];
  /** What limited it, profiles, caveats. */
  notes: string[];
  error?: string;
}

/** Pads a table for the terminal. */
export function formatTable(rows: BenchRow[]): string {
  const head = ['benchmark', 'measured', 'bound', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [r.name, r.measured, r.bound, fmtRatio(r.ratio), r.target, verdict(r.pass)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The same rows as a Markdown table. */
export function markdownTable(rows: BenchRow[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    '| benchmark | measured | bound (same run) | ratio | target | result |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${esc(r.name)} | ${esc(r.measured)} | ${esc(r.bound)} | ${fmtRatio(r.ratio)} | ${esc(r.target)} | ${verdict(r.pass)} |`,
    ),
  ].join('\n');
}

export function verdict(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';
}

function fmtRatio(r: number | null): string {
  return r === null ? '—' : r.toFixed(2);
}

/** Milliseconds with a sensible precision. */
export function ms(v: number): string {
  return v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** A rate with thousands separators. */
export function perSecond(v: number, unit = 'rows'): string {
  return `${Math.round(v).toLocaleString('en-US')} ${unit}/s`;
}

export function int(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** The q-th quantile (0..1) of samples (nearest rank). */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number (got ${raw})`);
  return Math.floor(n);
}

/** Logs a progress line (stderr, so the table on stdout stays clean). */
export function progress(bench: string, message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${bench}: ${message}\n`);
}
