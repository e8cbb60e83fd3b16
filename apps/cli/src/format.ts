/** Left-aligned columns with a header row; widths from the content. */
export function formatTable(rows: Record<string, string>[]): string[] {
  if (!rows.length) return [];
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((v, i) => v.padEnd(width[i]))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...rows.map((r) => line(cols.map((c) => r[c] ?? '')))];
}

/** 12345 -> "12,345". */
export const count = (n: number) => n.toLocaleString('en-US');

/** Milliseconds as "1.2 s" / "3 m 4 s". */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}
