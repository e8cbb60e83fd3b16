// Memory: the worker process's peak RSS (VmHWM) while it syncs N resources of full-model types
// (EC2, RDS: no GetResource) with no latency and no throttling, sampled from /proc.
import { accountIds, BENCH_REGIONS } from './support/dataset';
import { startOrgSync } from './support/org-sync';
import { WORKER_NODE_FLAGS } from './support/stack';
import { analyzeNote } from './support/autoanalyze';
import { envInt, int, progress, type BenchResult } from './support/report';

const TARGET_MB = 300;
const TYPES = ['AWS::EC2::Instance', 'AWS::RDS::DBInstance'];

export async function memoryBench(): Promise<BenchResult> {
  const started = Date.now();
  const total = envInt('BENCH_MEMORY_RESOURCES', 200_000);
  const accounts = accountIds(envInt('BENCH_MEMORY_ACCOUNTS', 20), 500_000_000_000);
  const perCell = Math.ceil(total / (accounts.length * BENCH_REGIONS.length * TYPES.length));
  const scenario = {
    seed: 'bench-memory',
    organization: {
      managementAccountId: accounts[0],
      accounts: accounts.map((id, i) => ({ id, name: `account-${i}`, email: `m${i}@example.com` })),
    },
    regions: BENCH_REGIONS,
    resources: { perAccountRegion: Object.fromEntries(TYPES.map((t) => [t, perCell])) },
  };
  // BENCH_MEMORY_SYNC_CONCURRENCY measures another concurrency than the default (memory grows with it).
  const concurrency = process.env.BENCH_MEMORY_SYNC_CONCURRENCY;
  const h = await startOrgSync({
    name: 'memory',
    scenario,
    accounts,
    resourceTypes: TYPES,
    workerEnv: concurrency ? { SYNC_CONCURRENCY: concurrency } : {},
  });
  try {
    const idle = h.worker.memory();
    const samples: { seen: number; rssMb: number; t: number }[] = [];
    // The worker's own view (prom-client default metrics): how much of the RSS is V8 heap.
    const heap = { used: 0, total: 0, external: 0 };
    const scrape = setInterval(() => {
      fetch(h.worker.metricsUrl)
        .then((r) => r.text())
        .then((text) => {
          const v = (name: string) =>
            Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 2 ** 20;
          heap.used = Math.max(heap.used, v('nodejs_heap_size_used_bytes'));
          heap.total = Math.max(heap.total, v('nodejs_heap_size_total_bytes'));
          heap.external = Math.max(heap.external, v('nodejs_external_memory_bytes'));
        })
        .catch(() => undefined);
    }, 1000);
    const t0 = performance.now();
    const cpu0 = h.worker.cpuSeconds();
    const run0 = await h.requestRun();
    let lastSample = 0;
    const run = await h.waitForRun(
      run0.id,
      envInt('BENCH_MEMORY_TIMEOUT_S', 1800) * 1000,
      (r) => {
        const m = h.worker.memory();
        samples.push({ seen: r.resourcesSeen, rssMb: m.rssMb, t: (performance.now() - t0) / 1000 });
        if (r.resourcesSeen - lastSample >= total / 10) {
          lastSample = r.resourcesSeen;
          progress(
            'memory',
            `${int(r.resourcesSeen)} resources, RSS ${m.rssMb.toFixed(0)} MB, peak ${m.hwmMb.toFixed(0)} MB`,
          );
        }
      },
      500,
    );
    clearInterval(scrape);
    const seconds = (performance.now() - t0) / 1000;
    // CPU the worker spent per 1,000 resources: steadier than resources/s on a shared machine.
    const cpuMs = ((h.worker.cpuSeconds() - cpu0) * 1e6) / Math.max(1, total);
    const peak = h.worker.memory().hwmMb;
    const live = await h.env.prisma.resource.count({ where: { tenantId: h.tenantId, deletedAt: null } });
    const truth = await h.sandbox.control<{ summary: { total: number } }>(
      'GET',
      '/_sandbox/truth?view=summary',
    );
    // RSS at each quarter of the run: flat = pages stream, nothing grows with the inventory.
    const quarter = (q: number) =>
      samples.find((s) => s.seen >= (truth.summary.total * q) / 4) ?? samples[samples.length - 1];
    const curve = [1, 2, 3, 4].map((q) => `${q * 25} %: ${quarter(q).rssMb.toFixed(0)} MB`).join(', ');
    progress(
      'memory',
      `peak ${peak.toFixed(0)} MB, idle ${idle.rssMb.toFixed(0)} MB; heap used ≤ ${heap.used.toFixed(0)} MB, heap size ≤ ${heap.total.toFixed(0)} MB, external ≤ ${heap.external.toFixed(0)} MB; ${int(truth.summary.total / seconds)} resources/s, worker CPU ${cpuMs.toFixed(0)} ms per 1,000 resources`,
    );
    const pass = peak < TARGET_MB && live === truth.summary.total && run.status === 'succeeded';
    return {
      bench: 'memory',
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      setup: [
        `${int(truth.summary.total)} resources (EC2 instances and RDS instances: full list models, no GetResource) in ${accounts.length} accounts × ${BENCH_REGIONS.length} regions, no latency, no throttling; the built worker process with its default configuration (SYNC_CONCURRENCY=${h.env.config.SYNC_CONCURRENCY}) started with npm run start:worker's Node flags (${WORKER_NODE_FLAGS.join(' ') || 'none'}); peak RSS = VmHWM of the worker process from /proc, RSS sampled every 0.5 s.`,
        `Bound/ratio: the target (300 MB) / measured peak.`,
      ],
      rows: [
        {
          name: `memory: worker peak RSS, ${int(truth.summary.total)} resources`,
          measured: `${peak.toFixed(0)} MB (idle ${idle.rssMb.toFixed(0)} MB; run ${run.status} in ${seconds.toFixed(0)} s, ${int(live)} stored)`,
          bound: `${TARGET_MB} MB`,
          ratio: TARGET_MB / peak,
          target: '< 300 MB',
          pass,
        },
      ],
      notes: [
        analyzeNote(h.analyze),
        `Worker's V8 during the run (its /metrics, every 1 s): heap used at most ${heap.used.toFixed(0)} MB, heap size at most ${heap.total.toFixed(0)} MB, external at most ${heap.external.toFixed(0)} MB; RSS before the run (booted, idle) ${idle.rssMb.toFixed(0)} MB.`,
        `RSS as the run progressed: ${curve}; throughput ${int(truth.summary.total / seconds)} resources/s end to end (sandbox + worker + Postgres on the same 2 cores); the worker spent ${cpuMs.toFixed(0)} ms of CPU per 1,000 resources.`,
        total < 1_000_000
          ? `Run at ${int(truth.summary.total)} rather than 1,000,000 to fit the time budget (BENCH_MEMORY_RESOURCES=1000000 runs the full size): memory does not depend on the inventory size when the curve above is flat, since a task holds one page at a time.`
          : 'Run at the full 1,000,000.',
      ],
    };
  } finally {
    await h.close();
  }
}
