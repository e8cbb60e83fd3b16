// `npm run bench [-- <name> …]`: runs the benchmarks (all by default), prints one table, and merges
// the results into bench/results/latest.json, from which BENCHMARKS.md is rendered.
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { apiBench } from './api.bench';
import { deliveryBench } from './delivery.bench';
import { ingestBench } from './ingest.bench';
import { mappingBench } from './mapping.bench';
import { memoryBench } from './memory.bench';
import { schedulerBench } from './scheduler.bench';
import { syncBench } from './sync.bench';
import type { BenchContext } from './support/context';
import { describeMachine } from './support/machine';
import { writeResults } from './support/markdown';
import { formatTable, progress, type BenchResult } from './support/report';

const BENCHES: Record<string, (ctx: BenchContext) => Promise<BenchResult>> = {
  ingest: ingestBench,
  api: apiBench,
  scheduler: schedulerBench,
  sync: syncBench,
  memory: memoryBench,
  mapping: mappingBench,
  delivery: deliveryBench,
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length) {
    process.stderr.write(
      `unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}\n`,
    );
    process.exit(2);
  }
  const names = Object.keys(BENCHES).filter((n) => !asked.length || asked.includes(n));
  const machine = await describeMachine();
  progress('bench', `${machine.summary}`);
  const ctx: BenchContext = { pending: new Set(names) };
  const results: BenchResult[] = [];
  const t0 = Date.now();
  for (const name of names) {
    ctx.pending.delete(name);
    progress('bench', `— ${name} —`);
    const started = Date.now();
    const load0 = loadavg()[0];
    try {
      const result = await BENCHES[name](ctx);
      // The machine is shared: say how busy it was around this benchmark.
      result.notes.push(
        `1-minute load average on the ${machine.cores} cores: ${load0.toFixed(1)} when it started, ${loadavg()[0].toFixed(1)} when it ended.`,
      );
      results.push(result);
    } catch (err) {
      const e = err as Error;
      progress(name, `FAILED: ${e.stack ?? e.message}`);
      results.push({
        bench: name,
        startedAt: new Date(started).toISOString(),
        seconds: (Date.now() - started) / 1000,
        setup: [],
        rows: [],
        notes: [],
        error: e.message,
      });
    }
  }
  await ctx.inventory?.env.close();
  process.stdout.write(`\n${formatTable(results.flatMap((r) => r.rows))}\n`);
  for (const r of results.filter((x) => x.error)) process.stdout.write(`${r.bench}: ERROR ${r.error}\n`);
  const file = writeResults(machine, results, (Date.now() - t0) / 1000);
  process.stdout.write(`\nwritten: ${file}\n`);
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
