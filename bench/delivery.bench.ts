// Delivery: webhook throughput beside the same receiver's raw capacity (one process, 16 requests in
// flight, keep-alive), change-to-delivery lag at a steady rate through the real worker, and the
// backfill of the inventory to a new webhook destination (time, peak RSS).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { poolOf } from '@tally/db';
import {
  ChangeFeedService,
  ChangeNotifier,
  ChangeSequencer,
  defaultAdapters,
  DeliveryEngine,
  DeliveryStateRepository,
  DestinationsService,
} from '@tally/delivery';
import { JobQueueService, QUEUES } from '@tally/jobs';
import { Metrics } from '@tally/metrics';
import { startWebhookReceiver, type WebhookReceiver } from '../apps/aws-sandbox/src/standins';
import { startWorker } from '../apps/worker/src/worker';
import { createBenchEnvironment, type BenchEnvironment } from './support/environment';
import { envInt, int, ms, perSecond, progress, quantile, type BenchResult } from './support/report';

const THROUGHPUT_TARGET = 2000;
const LAG_P95_TARGET_MS = 1000;

export async function deliveryBench(): Promise<BenchResult> {
  const started = Date.now();
  const changes = envInt('BENCH_DELIVERY_CHANGES', 20_000);
  const backfill = envInt('BENCH_DELIVERY_BACKFILL', 100_000);
  const env = await createBenchEnvironment('delivery', { DESTINATIONS_ALLOW_PRIVATE_NETWORKS: 'true' });
  const rx = await startWebhookReceiver();
  const jobs = new JobQueueService(env.config);
  const notifier = new ChangeNotifier(env.config);
  const { prisma, config } = env;
  const feed = new ChangeFeedService(prisma, config, new ChangeSequencer(prisma), notifier);
  const engine = new DeliveryEngine(
    prisma,
    config,
    feed,
    new DeliveryStateRepository(prisma),
    defaultAdapters(),
    new Metrics({ defaultMetrics: false }),
  );
  const service = new DestinationsService(prisma, config, feed, engine, jobs);
  try {
    const tenantId = await seed(env, Math.max(changes, backfill));
    const raw = await rawCapacity(rx, changes);
    progress('delivery', `raw receiver capacity ${Math.round(raw)}/s`);
    rx.received.length = 0;

    const { destination } = await service.createDestination(tenantId, {
      name: 'tp',
      kind: 'webhook',
      config: { url: rx.url },
    });
    await poolOf(prisma)!.query(
      `INSERT INTO resource_changes (tenant_id, resource_id, kind, changed_fields)
       SELECT tenant_id, id, 'updated', '{Pad}' FROM resources WHERE tenant_id = $1::uuid ORDER BY id LIMIT $2`,
      [tenantId, changes],
    );
    const t0 = performance.now();
    while ((await engine.run(destination.id)).more);
    const throughput = rx.accepted().length / ((performance.now() - t0) / 1000);
    progress('delivery', `webhook throughput ${Math.round(throughput)}/s`);
    await service.updateDestination(tenantId, destination.id, { status: 'paused' });

    rx.received.length = 0;
    const lag = await steadyLag(env, service, rx, tenantId);
    progress('delivery', `lag p50 ${lag.p50} ms, p95 ${lag.p95} ms`);

    rx.received.length = 0;
    const bf = await service.createDestination(tenantId, {
      name: 'bf',
      kind: 'webhook',
      config: { url: rx.url },
      backfill: true,
    });
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t1 = performance.now();
    while ((await engine.run(bf.destination.id)).more);
    clearInterval(timer);
    const backfillSeconds = (performance.now() - t1) / 1000;

    return {
      bench: 'delivery',
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      setup: [
        `${int(changes)} distinct-resource changes to one webhook (Standard Webhooks, one POST each), receiver in the same process`,
        `lag: ${lag.count} changes at ~50/s through the real worker (NOTIFY wake-up, BullMQ, engine)`,
        `backfill: ${int(backfill)} resources as created to a new webhook destination`,
      ],
      rows: [
        {
          name: 'webhook throughput',
          measured: perSecond(throughput, 'changes'),
          bound: `${perSecond(raw, 'req')} raw`,
          ratio: throughput / raw,
          target: `≥ ${int(THROUGHPUT_TARGET)}/s`,
          pass: throughput >= THROUGHPUT_TARGET,
        },
        {
          name: 'change-to-delivery lag p50',
          measured: ms(lag.p50),
          bound: '—',
          ratio: null,
          target: '—',
          pass: null,
        },
        {
          name: 'change-to-delivery lag p95',
          measured: ms(lag.p95),
          bound: '—',
          ratio: null,
          target: `< ${ms(LAG_P95_TARGET_MS)}`,
          pass: lag.p95 < LAG_P95_TARGET_MS,
        },
        {
          name: `backfill ${int(backfill)}`,
          measured: `${backfillSeconds.toFixed(1)} s, peak RSS ${Math.round(peak / 1048576)} MB`,
          bound: '—',
          ratio: null,
          target: '—',
          pass: rx.accepted().length === backfill,
        },
      ],
      notes: [
        'Sender and receiver share the 2 cores; the raw figure is the receiver alone driven by a minimal client.',
      ],
    };
  } finally {
    await jobs.queue(QUEUES.delivery).obliterate({ force: true });
    await jobs.close();
    await notifier.onModuleDestroy();
    await rx.close();
    await env.close();
  }
}

async function seed(env: BenchEnvironment, n: number): Promise<string> {
  const pool = poolOf(env.prisma)!;
  const tenant = await pool.query<{ id: string }>(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
  const tenantId = tenant.rows[0].id;
  const conn = await pool.query<{ id: string }>(
    `INSERT INTO connections (tenant_id, name, account_id, mode, regions, resource_types, role_name, status)
     VALUES ($1, 'c', '123456789012', 'account', ARRAY['us-east-1'], ARRAY[]::text[], 'TallyReadOnly', 'active') RETURNING id`,
    [tenantId],
  );
  await pool.query(
    `INSERT INTO resources (tenant_id, connection_id, account_id, region, type, identifier, name, properties, properties_hash)
     SELECT $1, $2, '123456789012', 'us-east-1', 'AWS::S3::Bucket', 'b' || g, 'b' || g,
            jsonb_build_object('BucketName', 'b' || g, 'Pad', repeat('x', 400)), md5(g::text)
     FROM generate_series(1, $3::int) g`,
    [tenantId, conn.rows[0].id, n],
  );
  return tenantId;
}

/** The receiver alone: the same number of ~1.5 KB POSTs, 16 in flight, keep-alive. */
async function rawCapacity(rx: WebhookReceiver, n: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const body = JSON.stringify({ type: 'resource.updated', data: { pad: 'x'.repeat(1500) } });
  let sent = 0;
  const t0 = performance.now();
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        rx.url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent++ < n) await post();
    }),
  );
  agent.destroy();
  return n / ((performance.now() - t0) / 1000);
}

/** Changes at ~50/s through the real worker; lag = commit to the receiver's arrival. */
async function steadyLag(
  env: BenchEnvironment,
  service: DestinationsService,
  rx: WebhookReceiver,
  tenantId: string,
) {
  const worker = await startWorker(env.config, { httpPort: 0 });
  try {
    await service.createDestination(tenantId, { name: 'lag', kind: 'webhook', config: { url: rx.url } });
    const pool = poolOf(env.prisma)!;
    const ids = (
      await pool.query<{ id: string }>(`SELECT id FROM resources WHERE tenant_id = $1 LIMIT 300`, [tenantId])
    ).rows;
    const sent = new Map<string, number>();
    for (const { id } of ids) {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO resource_changes (tenant_id, resource_id, kind, changed_fields) VALUES ($1, $2, 'updated', '{}') RETURNING id`,
        [tenantId, id],
      );
      sent.set(rows[0].id, Date.now());
      await sleep(20);
    }
    await rx.waitFor(
      (r) => r.filter((x) => sent.has(x.headers['webhook-id'])).length >= sent.size,
      'every change',
      60_000,
    );
    const lags = rx
      .accepted()
      .flatMap((r) => (sent.has(r.headers['webhook-id']) ? [r.at - sent.get(r.headers['webhook-id'])!] : []));
    return { count: lags.length, p50: quantile(lags, 0.5), p95: quantile(lags, 0.95) };
  } finally {
    await worker.close();
  }
}
