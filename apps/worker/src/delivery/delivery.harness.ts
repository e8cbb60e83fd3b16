import { poolOf } from '@tally/db';
import {
  ChangeFeedService,
  ChangeNotifier,
  ChangeSequencer,
  decodeChangeCursor,
  defaultAdapters,
  DeliveryEngine,
  DeliveryStateRepository,
  DestinationsService,
  type DestinationView,
} from '@tally/delivery';
import { JobQueueService } from '@tally/jobs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createConnection,
  createResource,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import type { ReceivedWebhook } from '../../../aws-sandbox/src/standins';
import { startWorker, type RunningWorker } from '../worker';

/** Worker settings that make failures quick to provoke. */
export const FAST_DELIVERY_ENV = {
  DESTINATIONS_ALLOW_PRIVATE_NETWORKS: 'true',
  DELIVERY_TIMEOUT_MS: '1000',
  DELIVERY_BATCH_SIZE: '10',
  DELIVERY_BACKOFF_MS: '50',
  DELIVERY_BACKOFF_MAX_MS: '400',
  DELIVERY_FAILING_AFTER: '2',
  DELIVERY_PAUSE_AFTER: '1000',
};

export interface DeliveryHarness {
  env: TestEnvironment;
  worker?: RunningWorker;
  destinations(): DestinationsService;
  /** A tenant with one connection and `n` buckets. */
  tenant(n: number): Promise<{ tenantId: string; resourceIds: string[] }>;
  /** What a writer does: change the resource's state and record the change, in one transaction. */
  change(
    tenantId: string,
    resourceId: string,
    kind: 'created' | 'updated' | 'deleted',
    name?: string,
  ): Promise<string>;
  /** The destination's view once `test` holds (the engine records right after each answer). */
  until(
    tenantId: string,
    id: string,
    test: (v: DestinationView) => boolean,
    what: string,
  ): Promise<DestinationView>;
  /** The view once every change is delivered (lag 0). */
  caughtUp(tenantId: string, id: string): Promise<DestinationView>;
  close(): Promise<void>;
}

export async function startDeliveryHarness(
  env: Record<string, string> = {},
  opts: { worker?: boolean } = {},
): Promise<DeliveryHarness> {
  const testEnv = await createTestEnvironment({ ...FAST_DELIVERY_ENV, ...env });
  const worker = opts.worker === false ? undefined : await startWorker(testEnv.config, { httpPort: 0 });
  // The services as the api will hold them: separate from the worker's, sharing only Postgres and Redis.
  const { prisma, config } = testEnv;
  const notifier = new ChangeNotifier(config);
  const jobs = new JobQueueService(config);
  const feed = new ChangeFeedService(prisma, config, new ChangeSequencer(prisma), notifier);
  const engine = new DeliveryEngine(
    prisma,
    config,
    feed,
    new DeliveryStateRepository(prisma),
    defaultAdapters(),
  );
  const service = new DestinationsService(prisma, config, feed, engine, jobs);
  let version = 0;
  const harness: DeliveryHarness = {
    env: testEnv,
    worker,
    destinations: () => service,
    async tenant(n) {
      const tenant = await createTenant(testEnv.prisma);
      const connection = await createConnection(testEnv.prisma, tenant.id);
      const resourceIds = [];
      for (let i = 0; i < n; i++) resourceIds.push((await createResource(testEnv.prisma, connection)).id);
      return { tenantId: tenant.id, resourceIds };
    },
    async change(tenantId, resourceId, kind, name = `v${++version}`) {
      const client = await poolOf(testEnv.prisma)!.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `UPDATE resources SET name = $2::text, properties = jsonb_build_object('Name', $2::text),
                  deleted_at = CASE WHEN $3::text = 'deleted' THEN now() END, updated_at = now() WHERE id = $1::uuid`,
          [resourceId, name, kind],
        );
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO resource_changes (tenant_id, resource_id, kind, changed_fields)
           VALUES ($1::uuid, $2::uuid, $3::"ChangeKind", '{Name}') RETURNING id`,
          [tenantId, resourceId, kind],
        );
        await client.query('COMMIT');
        return rows[0].id;
      } finally {
        client.release();
      }
    },
    async until(tenantId, id, test, what) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const view = await service.getDestination(tenantId, id);
        if (test(view)) return view;
        if (Date.now() > deadline)
          throw new Error(`destination never became ${what}: ${JSON.stringify(view)}`);
        await sleep(25);
      }
    },
    caughtUp(tenantId, id) {
      return harness.until(tenantId, id, (v) => v.lag.changes === 0, 'caught up');
    },
    async close() {
      await worker?.close();
      await notifier.onModuleDestroy();
      await jobs.onModuleDestroy();
      await testEnv.close();
    },
  };
  return harness;
}

/** A webhook request's body. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    id: string;
    cursor: string;
    kind: string;
    resource: { id: string; name: string; deletedAt: string | null };
  };
}

export function payloads(received: ReceivedWebhook[]): WebhookPayload[] {
  return received.map((r) => JSON.parse(r.body) as WebhookPayload);
}

/** Per resource, the seqs delivered in arrival order. */
export function seqsByResource(received: ReceivedWebhook[]): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const p of payloads(received)) {
    const list = out.get(p.data.resource.id) ?? [];
    list.push(decodeChangeCursor(p.data.cursor));
    out.set(p.data.resource.id, list);
  }
  return out;
}
