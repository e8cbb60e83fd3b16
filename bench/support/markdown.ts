// Results are merged per benchmark into bench/results/latest.json (so `npm run bench -- api` updates
// only the api section) and BENCHMARKS.md is rendered from that file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tally/common';
import type { Machine } from './machine';
import { markdownTable, type BenchResult } from './report';

const ORDER = ['ingest', 'api', 'scheduler', 'sync', 'memory', 'mapping'];

type Stored = BenchResult & { machine: Machine };

/** Merges this run's results and rewrites BENCHMARKS.md; returns its path. */
export function writeResults(machine: Machine, results: BenchResult[], seconds: number): string {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  const stored: Record<string, Stored> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Stored>)
    : {};
  for (const r of results) stored[r.bench] = { ...r, machine };
  writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`);
  const out = join(repoRoot(), 'BENCHMARKS.md');
  writeFileSync(
    out,
    render(
      Object.values(stored).sort((a, b) => ORDER.indexOf(a.bench) - ORDER.indexOf(b.bench)),
      results.map((r) => r.bench),
      seconds,
    ),
  );
  return out;
}

function render(all: Stored[], thisRun: string[], seconds: number): string {
  const machines = [...new Map(all.map((r) => [JSON.stringify(r.machine), r.machine])).values()];
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`npm run bench -- <ingest|api|scheduler|sync|memory|mapping> …` runs some; sizes via the `BENCH_*` variables in `bench/*.bench.ts`). Every bound is measured or computed in the same run as the figure it is compared with.',
    '',
    `Last invocation: ${thisRun.join(', ')} in ${Math.round(seconds)} s.`,
    '',
    '## Results',
    '',
    markdownTable(all.flatMap((r) => r.rows)),
    '',
    ...all.filter((r) => r.error).map((r) => `- **${r.bench} failed**: ${r.error}`),
    '',
    '## Machine',
    '',
    ...machines.map((m) =>
      [
        `- ${m.cores} cores, ${m.cpuModel}, ${m.memoryGb} GB memory, ${m.kernel}`,
        `- Node ${m.node}, ${m.postgres} (${m.postgresSettings}), ${m.redis}`,
        `- Load average when the run started: ${m.loadAverage} (the machine is shared: other processes ran at the same time; Postgres and Redis are the machine's own, not tuned for this).`,
        `- Used by: ${all
          .filter((r) => JSON.stringify(r.machine) === JSON.stringify(m))
          .map((r) => `${r.bench} (${r.startedAt})`)
          .join(', ')}`,
      ].join('\n'),
    ),
    '',
  ];
  for (const r of all) {
    lines.push(`## ${r.bench}`, '', `Ran ${r.startedAt}, ${Math.round(r.seconds)} s.`, '');
    if (r.error) lines.push(`**Error:** ${r.error}`, '');
    for (const s of r.setup) lines.push(`- ${s}`);
    if (r.setup.length) lines.push('');
    for (const n of r.notes) lines.push(...(n.includes('\n') ? ['', n, ''] : [`- ${n}`]));
    lines.push('');
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
