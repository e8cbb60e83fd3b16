// Sync: an organization (accounts × regions × 5 types) behind ~30 ms latency and a token bucket of
// N calls/s per (account, region, service), synced by the built worker process against the sandbox
// process over HTTP. Bound: the least time those limits allow for the calls the run had to make.
import { GET_CONCURRENCY } from '@tally/aws';
import { propertiesHash } from '@tally/sync';
import { accountIds, ALL_TYPES, BENCH_REGIONS } from './support/dataset';
import { startCpuLoad, type CpuLoad, type CpuLoadUsage } from './support/cpu-load';
import { startOrgSync } from './support/org-sync';
import { analyzeNote } from './support/autoanalyze';
import { envInt, int, progress, type BenchResult, type BenchRow } from './support/report';

/** The worker's CPU per AWS call the benchmark asks for (ms). */
const CPU_PER_CALL_TARGET_MS = 0.45;

interface CallRecord {
  service: string;
  operation: string;
  accountId: string | null;
  region: string | null;
  outcome: 'ok' | 'error';
  errorCode: string | null;
  time: string;
}

interface TruthResource {
  accountId: string;
  region: string;
  type: string;
  identifier: string;
  properties: Record<string, unknown>;
}

/**
 * The same sync twice, each on a fresh stack: on the machine as it is, then with a second process
 * keeping one core busy the whole run (BENCH_SYNC_VARIANTS=idle,loaded picks them).
 */
export async function syncBench(): Promise<BenchResult> {
  const started = Date.now();
  const variants = (process.env.BENCH_SYNC_VARIANTS ?? 'idle,loaded').split(',').filter(Boolean);
  const unknown = variants.filter((v) => v !== 'idle' && v !== 'loaded');
  if (unknown.length) throw new Error(`BENCH_SYNC_VARIANTS: unknown ${unknown.join(', ')} (idle, loaded)`);
  const parts: SyncPart[] = [];
  for (const v of variants) parts.push(await syncOnce(v === 'loaded'));
  return {
    bench: 'sync',
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    // Sizes and settings are the same; each run's bound (and the load) is its own.
    setup: [
      ...parts[0].setup.slice(0, 3),
      ...parts.flatMap((p) =>
        p.setup.slice(3).map((line) => (parts.length > 1 ? `${p.label}: ${line}` : line)),
      ),
    ],
    rows: parts.flatMap((p) => p.rows),
    notes: parts.flatMap((p) => p.notes.map((n) => (parts.length > 1 ? `${p.label}: ${n}` : n))),
  };
}

interface SyncPart {
  label: string;
  setup: string[];
  rows: BenchRow[];
  notes: string[];
}

/** One run on a fresh stack; `loaded`: a busy child process spins on one core throughout. */
async function syncOnce(loaded: boolean): Promise<SyncPart> {
  const label = loaded ? 'one core busy' : 'no added load';
  const suffix = loaded ? ' (one core busy)' : '';
  const accounts = accountIds(envInt('BENCH_SYNC_ACCOUNTS', 20), 400_000_000_000);
  const perType = envInt('BENCH_SYNC_PER_TYPE', 100);
  const latencyMs = envInt('BENCH_SYNC_LATENCY_MS', 30);
  const rate = envInt('BENCH_SYNC_RATE', 10);
  const burst = envInt('BENCH_SYNC_BURST', 10);
  const timeoutMs = envInt('BENCH_SYNC_TIMEOUT_S', 600) * 1000;
  const workerEnv: Record<string, string> = {};
  for (const k of ['SYNC_CONCURRENCY', 'SYNC_ACCOUNT_REGION_CONCURRENCY', 'SYNC_TASK_BACKOFF_MS'])
    if (process.env[`BENCH_${k}`]) workerEnv[k] = process.env[`BENCH_${k}`]!;
  const scenario = {
    seed: 'bench-sync',
    organization: {
      managementAccountId: accounts[0],
      accounts: accounts.map((id, i) => ({ id, name: `account-${i}`, email: `a${i}@example.com` })),
    },
    regions: BENCH_REGIONS,
    resources: { perAccountRegion: Object.fromEntries(ALL_TYPES.map((t) => [t, perType])) },
    latencyMs,
    throttle: { ratePerSecond: rate, burst },
  };
  const h = await startOrgSync({ name: 'sync', scenario, accounts, workerEnv });
  let load: CpuLoad | undefined;
  let loadUsed: CpuLoadUsage | undefined;
  try {
    const config = h.env.config;
    const W = config.SYNC_CONCURRENCY;
    const perAR = config.SYNC_ACCOUNT_REGION_CONCURRENCY;
    // What the worker burns doing nothing (queue polling, metrics), so the per-call figure can be read.
    const idle0 = { cpu: h.worker.cpuSeconds(), at: performance.now() };
    await new Promise((r) => setTimeout(r, 3000));
    const idleShare = (h.worker.cpuSeconds() - idle0.cpu) / ((performance.now() - idle0.at) / 1000);
    const before = await h.sandbox.control<{ lastSeq: number }>('GET', '/_sandbox/calls/summary');
    const cpu0 = { worker: h.worker.cpuSeconds(), sandbox: h.sandbox.cpuSeconds() };
    // Started before the run and kept to its end; bounded by the run's own timeout.
    load = loaded ? startCpuLoad(timeoutMs / 1000 + 60) : undefined;
    progress(
      'sync',
      `${label}: syncing ${accounts.length} accounts × ${BENCH_REGIONS.length} regions × ${ALL_TYPES.length} types`,
    );
    const t0 = performance.now();
    const requested = await h.requestRun();
    const run = await h.waitForRun(requested.id, timeoutMs, undefined, 50);
    const measured = (performance.now() - t0) / 1000;
    const cpu = {
      worker: h.worker.cpuSeconds() - cpu0.worker,
      sandbox: h.sandbox.cpuSeconds() - cpu0.sandbox,
    };
    loadUsed = await load?.stop();
    progress(
      'sync',
      `run ${run.status} in ${measured.toFixed(1)} s (${run.tasksDone}/${run.tasksTotal} tasks, ${run.tasksFailed} failed)`,
    );

    const { calls } = await h.sandbox.control<{ calls: CallRecord[] }>(
      'GET',
      `/_sandbox/calls?since=${before.lastSeq}`,
    );
    const summary = await h.sandbox.control<{ total: number; lastSeq: number }>(
      'GET',
      '/_sandbox/calls/summary',
    );
    const callCount = summary.lastSeq - before.lastSeq;
    const complete = calls.length === callCount;
    // Every HTTP request the worker sent during the run (retries, STS, Organizations included).
    const cpuPerCallMs = (cpu.worker * 1000) / Math.max(1, callCount);
    const limited = calls.filter((c) => c.service !== 'sts');
    const ok = limited.filter((c) => c.outcome === 'ok');
    const throttled = limited.filter(
      (c) => c.outcome === 'error' && /Throttl|TooManyRequests/i.test(c.errorCode ?? ''),
    );
    const otherErrors = limited.length - ok.length - throttled.length;
    const buckets = countBy(ok, (c) => `${c.accountId}|${c.region}|${c.service}`);
    const perAccountRegion = countBy(ok, (c) => `${c.accountId}|${c.region}`);
    const throttleBound = Math.max(0, ...[...buckets.values()].map((n) => Math.max(0, (n - burst) / rate)));
    const L = latencyMs / 1000;
    const inFlight = W * GET_CONCURRENCY;
    const latencyBound = (ok.length * L) / inFlight;
    const arBound = Math.max(
      0,
      ...[...perAccountRegion.values()].map((n) => (n * L) / (perAR * GET_CONCURRENCY)),
    );
    const bound = Math.max(throttleBound, latencyBound, arBound);
    // With W tasks at once, at most W buckets are fed at a time (S3 tasks can feed a few: approximate).
    const feeding = Math.min(W, buckets.size);
    const concurrencyBound = Math.max(0, ok.length - buckets.size * burst) / (feeding * rate);
    const ratio = bound / measured;
    const [worstKey, worstCalls] = [...buckets.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const worstSpan = span(ok.filter((c) => `${c.accountId}|${c.region}|${c.service}` === worstKey));

    const truth = await h.sandbox.control<{ resources: TruthResource[] }>('GET', '/_sandbox/truth');
    const rows = await h.env.prisma.resource.findMany({
      // Organization accounts are resources too (AWS::Organizations::Account), not in the truth.
      where: { tenantId: h.tenantId, deletedAt: null, type: { not: 'AWS::Organizations::Account' } },
      select: { accountId: true, region: true, type: true, identifier: true, propertiesHash: true },
    });
    const key = (r: { accountId: string; region: string; type: string; identifier: string }) =>
      `${r.accountId}|${r.region}|${r.type}|${r.identifier}`;
    const inventory = new Map(rows.map((r) => [key(r), r.propertiesHash]));
    let missing = 0;
    let changed = 0;
    for (const r of truth.resources) {
      const got = inventory.get(key(r));
      if (got === undefined) missing++;
      else if (got !== propertiesHash(r.properties)) changed++;
    }
    const extra = inventory.size - (truth.resources.length - missing);
    const lost = missing + changed + Math.max(0, extra);
    const tasks = await h.env.prisma.syncTask.aggregate({
      where: { runId: run.id },
      _sum: { attempts: true },
      _count: true,
      _max: { durationMs: true, finishedAt: true },
      _min: { startedAt: true },
    });
    const at = (d: Date | null | undefined) =>
      d ? ((d.getTime() - run.createdAt.getTime()) / 1000).toFixed(1) : '?';
    const timeline = `run created → planned (started) ${at(run.startedAt)} s → first task started ${at(tasks._min.startedAt)} s → last task ended ${at(tasks._max.finishedAt)} s → run finished ${at(run.finishedAt)} s`;
    const total = truth.resources.length;
    const pass = ratio >= 0.9 && lost === 0 && run.status === 'succeeded';
    return {
      label,
      setup: [
        `Organization of ${accounts.length} accounts × ${BENCH_REGIONS.length} regions × ${ALL_TYPES.length} types × ${perType} = ${int(total)} resources; sandbox process with ${latencyMs} ms ±20 % latency per call and a token bucket of ${rate} calls/s (burst ${burst}) per (account, region, service); default paging (1–100 per page, 10 % empty pages).`,
        `Worker: the built worker process (npm run start:worker) with SYNC_CONCURRENCY=${W}, SYNC_ACCOUNT_REGION_CONCURRENCY=${perAR}, SYNC_TASK_BACKOFF_MS=${config.SYNC_TASK_BACKOFF_MS}; its call pacers start at SYNC_CALL_RATE_INITIAL=${config.SYNC_CALL_RATE_INITIAL} calls/s per (account, region) (ceiling ${config.SYNC_CALL_RATE_MAX}) and are not told the sandbox's limit: they find it from the throttling answers. A manual run requested through SyncRunsService; measured = request → run ended (polled every 50 ms).`,
        `Worker CPU per AWS call = the worker process's user + system CPU time (/proc/<pid>/stat) from the request to the run's end / every request the sandbox logged in that time (retries, STS and Organizations included); target ≤ ${CPU_PER_CALL_TARGET_MS} ms.`,
        `Bound = max of: per (account, region, service) bucket max(0, (successful calls − burst) / rate) = ${throttleBound.toFixed(1)} s; all successful calls × L / (SYNC_CONCURRENCY × ${GET_CONCURRENCY} GetResource in flight per task) = ${latencyBound.toFixed(1)} s; per (account, region) calls × L / (${perAR} tasks × ${GET_CONCURRENCY}) = ${arBound.toFixed(1)} s. Calls counted from the sandbox call log (GET /_sandbox/calls).`,
        ...(loaded
          ? [
              `Loaded variant: the same sync on a fresh stack while a second process (node, a bounded busy loop) spins on one core from just before the request to the run's end, then is killed.`,
            ]
          : []),
      ],
      rows: [
        {
          name: `sync ${int(total)} resources${suffix}`,
          measured: `${measured.toFixed(1)} s (${run.status})`,
          bound: `${bound.toFixed(1)} s`,
          ratio,
          target: 'bound/measured ≥ 0.90, 0 lost',
          pass,
        },
        {
          name: `sync: resources lost${suffix}`,
          measured: `${lost} (missing ${missing}, stale ${changed}, extra ${Math.max(0, extra)})`,
          bound: `truth ${int(total)}`,
          ratio: null,
          target: '0',
          pass: lost === 0,
        },
        {
          name: `sync: AWS calls per resource${suffix}`,
          measured: `${(calls.length / total).toFixed(3)} (all ${int(calls.length)} calls) / ${(ok.length / total).toFixed(3)} (necessary)`,
          bound: '—',
          ratio: null,
          target: 'report',
          pass: null,
        },
        {
          name: `sync: worker CPU per AWS call${suffix}`,
          measured: `${cpuPerCallMs.toFixed(3)} ms (${cpu.worker.toFixed(1)} s CPU / ${int(callCount)} calls)`,
          bound: `${CPU_PER_CALL_TARGET_MS} ms`,
          ratio: CPU_PER_CALL_TARGET_MS / cpuPerCallMs,
          target: `≤ ${CPU_PER_CALL_TARGET_MS} ms`,
          pass: cpuPerCallMs <= CPU_PER_CALL_TARGET_MS,
        },
      ],
      notes: [
        analyzeNote(h.analyze),
        `Calls: ${int(calls.length)} in all (${int(ok.length)} successful Cloud Control/Organizations, ${int(throttled.length)} throttled, ${otherErrors} other errors, ${int(calls.length - limited.length)} STS)${complete ? '' : ' — the call log (100,000 records) overflowed: counts are partial'}; run.apiCalls = ${int(run.apiCalls)}; ${tasks._count} tasks, ${tasks._sum.attempts ?? 0} attempts, slowest task ${((tasks._max.durationMs ?? 0) / 1000).toFixed(1)} s.`,
        `Timeline: ${timeline}.`,
        `Limits the worker's own configuration adds: with ${W} tasks at once (${perAR} per account-region), at most ${feeding} of the ${buckets.size} buckets can be fed at a time, so the calls need at least (${int(ok.length)} − ${buckets.size} × ${burst}) / (${feeding} × ${rate}/s) = ${concurrencyBound.toFixed(1)} s (approximate: an S3 task's GetResource calls go to several regions); measured / that = ${(measured / concurrencyBound).toFixed(2)}. Achieved ${(ok.length / measured).toFixed(0)} successful calls/s against ${buckets.size} × ${rate} = ${buckets.size * rate}/s the throttle allows.`,
        `Busiest bucket ${worstKey}: ${worstCalls} successful calls → bound ${Math.max(0, (worstCalls - burst) / rate).toFixed(1)} s; its calls actually spanned ${worstSpan.toFixed(1)} s. Its successful calls per second, second by second from the run's first call: ${perSecond(
          ok.filter((c) => `${c.accountId}|${c.region}|${c.service}` === worstKey),
          Date.parse(calls[0]?.time ?? '0'),
        ).join(' ')}.`,
        `CPU during the run: worker ${cpu.worker.toFixed(1)} s (${((cpu.worker / measured) * 100).toFixed(0)} % of one core), sandbox ${cpu.sandbox.toFixed(1)} s (${((cpu.sandbox / measured) * 100).toFixed(0)} %), over ${measured.toFixed(1)} s of wall time; idle before the run, the worker used ${(idleShare * 100).toFixed(1)} % of one core (≈ ${(idleShare * measured).toFixed(1)} s of the run's CPU at that rate).`,
        ...(loadUsed
          ? [
              `Added load: pid ${load!.pid} used ${loadUsed.cpuSeconds.toFixed(1)} s of CPU over ${loadUsed.wallSeconds.toFixed(1)} s (${(loadUsed.coreShare * 100).toFixed(0)} % of one core).`,
            ]
          : []),
      ],
    };
  } finally {
    await load?.stop();
    await h.close();
  }
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

/** Calls in each whole second since `from` (ms). */
function perSecond(calls: CallRecord[], from: number): number[] {
  const out: number[] = [];
  for (const c of calls) {
    const i = Math.floor((Date.parse(c.time) - from) / 1000);
    while (out.length <= i) out.push(0);
    out[i]++;
  }
  return out;
}

/** Seconds between the first and the last call. */
function span(calls: CallRecord[]): number {
  if (!calls.length) return 0;
  const times = calls.map((c) => Date.parse(c.time));
  return (Math.max(...times) - Math.min(...times)) / 1000;
}
