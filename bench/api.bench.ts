// API: p50/p99 of GET /v1/tenants/{t}/resources with each filter and deep cursor pages, over real
// HTTP with a tenant API key, sequential requests after a warm-up, on an inventory of N resources.
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { generateApiKey, ResourcesRepository, type ResourceFilter } from '@tally/tenancy';
import { createConnection, createTenant } from '@tally/testing';
import { createApiApp } from '../apps/api/src/app';
import type { BenchContext, Inventory } from './support/context';
import { accountIds, ALL_TYPES, BENCH_REGIONS, plan } from './support/dataset';
import { createBenchEnvironment } from './support/environment';
import { copyCells } from './support/load';
import { explainCaptured, NOT_CAPTURED } from './support/explain';
import { envInt, int, ms, progress, quantile, type BenchResult, type BenchRow } from './support/report';

const TARGET_P99_MS = 50;

interface Case {
  name: string;
  query: Record<string, string>;
  /** The same filter as the repository takes it (for EXPLAIN of the exact SQL on a miss). */
  filter: ResourceFilter;
  /** Cursor depth: measure pages `deep`..`deep+samples` reached by following nextCursor. */
  deep?: number;
}

export async function apiBench(ctx: BenchContext): Promise<BenchResult> {
  const started = Date.now();
  const wanted = envInt('BENCH_API_ROWS', 1_000_000);
  const inventory = ctx.inventory ?? (await loadInventory(wanted));
  ctx.inventory = undefined;
  const { env } = inventory;
  const notes: string[] = [];
  try {
    if (inventory.total < wanted) await topUp(inventory, wanted);
    progress('api', 'VACUUM ANALYZE resources');
    const pool = new Pool({ connectionString: env.db.url, max: 2 });
    await pool.query('VACUUM (ANALYZE) resources');
    const key = generateApiKey();
    await env.prisma.apiKey.create({
      data: {
        tenantId: inventory.tenantId,
        role: 'tenant',
        name: 'bench',
        prefix: key.prefix,
        hash: key.hash,
      },
    });
    const config = env.reconfigure({ RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: 'silent' });
    const app = await createApiApp(config);
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1/tenants/${inventory.tenantId}/resources`;
    const cases = await buildCases(pool, inventory);
    // Warms the process (JIT, Prisma, connection pool) before any case is timed.
    for (let i = 0; i < 50; i++) await get(base, key.key);
    const samples = envInt('BENCH_API_SAMPLES', 200);
    const warmup = envInt('BENCH_API_WARMUP', 20);
    const rows: BenchRow[] = [];
    const misses: Case[] = [];
    try {
      for (const c of cases) {
        const { p50, p99, n, items } = await measure(base, key.key, c, samples, warmup);
        if (!n) continue;
        progress('api', `${c.name}: p50 ${ms(p50)} p99 ${ms(p99)} (${n} requests, ${items} items/page)`);
        const pass = p99 < TARGET_P99_MS;
        rows.push({
          name: `api ${c.name}`,
          measured: `p50 ${ms(p50)} / p99 ${ms(p99)} (n=${n}, ${items}/page)`,
          bound: `${TARGET_P99_MS} ms`,
          ratio: TARGET_P99_MS / p99,
          target: 'p99 < 50 ms',
          pass,
        });
        if (!pass) misses.push(c);
      }
    } finally {
      await app.close();
    }
    for (const c of misses)
      notes.push(
        `EXPLAIN ANALYZE of \`${c.name}\` (the exact SQL Prisma sent):\n\n\`\`\`\n${await explain(env.db.url, pool, inventory.tenantId, c)}\n\`\`\``,
      );
    await pool.end();
    return {
      bench: 'api',
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      setup: [
        `${int(inventory.total)} live resources in one tenant (from ${inventory.source}), VACUUM ANALYZE first; the api in this process (createApiApp, real HTTP on 127.0.0.1, a tenant API key, rate limit raised), default page size (100).`,
        `Each case: ${warmup} warm-up requests, then ${samples} sequential requests (a case whose first requests take over 250 ms: 3 warm-ups and 10 samples); 50 unfiltered requests warm the process before the first case; latency = fetch until the whole body is read. Deep pages: pages reached by following nextCursor from page 1 (only pages ≥ 100 are timed).`,
        `Bound/ratio: the target (50 ms) / measured p99.`,
      ],
      rows,
      notes,
    };
  } finally {
    await env.close();
  }
}

/** When api runs without ingest: COPY the same generated resources into `resources`. */
async function loadInventory(total: number): Promise<Inventory> {
  const env = await createBenchEnvironment('api');
  const accounts = accountIds(20);
  const tenant = await createTenant(env.prisma, { name: 'bench-api' });
  const connection = await createConnection(env.prisma, tenant.id, {
    accountId: accounts[0],
    mode: 'organization',
    regions: BENCH_REGIONS,
    status: 'active',
  });
  const run = await env.prisma.syncRun.create({
    data: { tenantId: tenant.id, connectionId: connection.id, trigger: 'manual', status: 'succeeded' },
  });
  const pool = new Pool({ connectionString: env.db.url, max: 1 });
  progress('api', `COPY ${int(total)} resources`);
  await copyCells(pool, 'resources', 'bench-ingest', plan(total, accounts, BENCH_REGIONS, ALL_TYPES), {
    tenantId: tenant.id,
    connectionId: connection.id,
    runId: run.id,
  });
  await pool.end();
  return {
    env,
    tenantId: tenant.id,
    connectionId: connection.id,
    accounts,
    regions: BENCH_REGIONS,
    total,
    source: 'a COPY bulk load of the ingest generator',
  };
}

/** Adds COPYed rows (same generator, next indexes of each cell) until the tenant holds `rows`. */
async function topUp(inv: Inventory, rows: number): Promise<void> {
  const have = plan(inv.total, inv.accounts, inv.regions, ALL_TYPES);
  const want = plan(rows, inv.accounts, inv.regions, ALL_TYPES);
  const cells = want.map((c, i) => ({ ...c, start: have[i].count, count: c.count - have[i].count }));
  const run = await inv.env.prisma.syncRun.findFirstOrThrow({
    where: { tenantId: inv.tenantId },
    orderBy: { createdAt: 'desc' },
  });
  const pool = new Pool({ connectionString: inv.env.db.url, max: 1 });
  progress('api', `COPY ${int(rows - inv.total)} more resources (to ${int(rows)})`);
  await copyCells(pool, 'resources', 'bench-ingest', cells, {
    tenantId: inv.tenantId,
    connectionId: inv.connectionId,
    runId: run.id,
  });
  await pool.end();
  inv.source = `${inv.source}, topped up to ${int(rows)} with COPY of the same generator`;
  inv.total = rows;
}

/** The filters, with values taken from the data (a common and a rare one where it matters). */
async function buildCases(pool: Pool, inv: Inventory): Promise<Case[]> {
  // One function's whole name, as a user looking for it would type it; ordered by name (not by the
  // random uuid ids) so every run searches for the same text.
  const sample = await pool.query<{ name: string }>(
    `SELECT name FROM resources WHERE tenant_id = $1 AND type = 'AWS::Lambda::Function' ORDER BY name OFFSET 5000 LIMIT 1`,
    [inv.tenantId],
  );
  const rareQ = sample.rows[0]?.name ?? 'zzz';
  // Its last 9 characters: a fragment whose trigrams are all common ones (the hard case for the index).
  const fragmentQ = rareQ.slice(-9);
  const account = inv.accounts[Math.min(7, inv.accounts.length - 1)];
  const tag = (k: string, v: string) => ({ q: { tag: `${k}:${v}` }, f: [{ key: k, value: v }] });
  const team = tag('Team', 'payments');
  const cost = tag('CostCenter', 'cc-4242');
  return [
    { name: 'no filter', query: {}, filter: {} },
    {
      name: 'type=AWS::EC2::Instance',
      query: { type: 'AWS::EC2::Instance' },
      filter: { type: 'AWS::EC2::Instance' },
    },
    { name: `accountId=${account}`, query: { accountId: account }, filter: { accountId: account } },
    { name: 'region=eu-west-1', query: { region: 'eu-west-1' }, filter: { region: 'eu-west-1' } },
    { name: 'q=prod (common)', query: { q: 'prod' }, filter: { q: 'prod' } },
    { name: `q=${rareQ} (one name)`, query: { q: rareQ }, filter: { q: rareQ } },
    { name: `q=${fragmentQ} (name fragment)`, query: { q: fragmentQ }, filter: { q: fragmentQ } },
    { name: 'tag=Team:payments (common)', query: team.q, filter: { tags: team.f } },
    { name: 'tag=CostCenter:cc-4242 (rare)', query: cost.q, filter: { tags: cost.f } },
    {
      name: `combined type+accountId+region+tag`,
      query: { type: 'AWS::EC2::Instance', accountId: account, region: 'eu-west-1', tag: 'Environment:prod' },
      filter: {
        type: 'AWS::EC2::Instance',
        accountId: account,
        region: 'eu-west-1',
        tags: [{ key: 'Environment', value: 'prod' }],
      },
    },
    { name: 'deep cursor pages ≥ 100 (no filter)', query: {}, filter: {}, deep: 100 },
    {
      name: 'deep cursor pages ≥ 100 (type=AWS::RDS::DBInstance)',
      query: { type: 'AWS::RDS::DBInstance' },
      filter: { type: 'AWS::RDS::DBInstance' },
      deep: 100,
    },
  ];
}

async function get(
  url: string,
  key: string,
): Promise<{ ms: number; body: { items: unknown[]; nextCursor: string | null } }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  const text = await res.text();
  const elapsed = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return { ms: elapsed, body: JSON.parse(text) as { items: unknown[]; nextCursor: string | null } };
}

async function measure(base: string, key: string, c: Case, samples: number, warmup: number) {
  const url = (extra: Record<string, string> = {}) =>
    `${base}?${new URLSearchParams({ ...c.query, ...extra })}`;
  const times: number[] = [];
  let items = 0;
  if (c.deep) {
    // Follow the cursor chain: pages before `deep` are the warm-up, later ones are timed.
    let cursor: string | null = null;
    for (let page = 1; page < c.deep + samples && (page === 1 || cursor); page++) {
      const r = await get(url(cursor ? { cursor } : {}), key);
      if (page >= c.deep) {
        times.push(r.ms);
        items = r.body.items.length;
      }
      cursor = r.body.nextCursor;
    }
    if (!times.length) progress('api', `${c.name}: fewer than ${c.deep} pages in this inventory`);
  } else {
    // A case slower than 250 ms per request (a full scan) gets 3 warm-ups and 10 samples: enough to show it.
    const first: number[] = [];
    for (let i = 0; i < Math.min(3, warmup); i++) first.push((await get(url(), key)).ms);
    const slow = quantile(first, 0.5) > 250;
    for (let i = first.length; i < warmup && !slow; i++) await get(url(), key);
    const n = slow ? Math.min(samples, 10) : samples;
    for (let i = 0; i < n; i++) {
      const r = await get(url(), key);
      times.push(r.ms);
      items = r.body.items.length;
    }
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), n: times.length, items };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the exact statement the repository sends for a case: its raw id
 * query when it sends one (q, tags), which does the filtering, else Prisma's.
 */
async function explain(url: string, pool: Pool, tenantId: string, c: Case): Promise<string> {
  const list = (prisma: unknown) =>
    new ResourcesRepository(prisma as never).list(tenantId, c.filter, { limit: 100 });
  const raw = await explainCaptured(url, pool, /FROM resources r /, list);
  return raw !== NOT_CAPTURED ? raw : explainCaptured(url, pool, /FROM "public"."resources"/, list);
}
