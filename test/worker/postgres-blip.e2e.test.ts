// PostgreSQL loses its footing mid-run (a failover: every connection of this test's database cut,
// then the database refusing connections for a while). The worker and the api ride through: /readyz
// says "postgres down" while it is, failed writes are retried, nothing is half-written, and the run
// ends with the exact inventory and one change per resource.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '../../apps/api/src/app';
import { blockPostgres, cutPostgresConnections, until } from '../support/faults.harness';
import {
  diffInventories,
  expectedInventory,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync.harness';

const ACCOUNT = '720000000001';
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];

describe('PostgreSQL connections cut mid-run', () => {
  let h: SyncHarness;
  let api: NestExpressApplication;
  let apiUrl: string;
  let workerUrl: string;

  before(async () => {
    h = await startSyncHarness({
      scenario: {
        seed: 'pg-blip',
        accounts: [{ id: ACCOUNT }],
        regions: REGIONS,
        resources: {
          perAccountRegion: {
            'AWS::S3::Bucket': 3,
            'AWS::ECS::Cluster': 4,
            'AWS::EC2::Instance': 20,
            'AWS::Lambda::Function': 12,
            'AWS::RDS::DBInstance': 4,
          },
        },
        latencyMs: 40,
        paging: { maxPageSize: 3 },
      },
      mode: 'account',
      accountId: ACCOUNT,
      regions: REGIONS,
      // Enough tries to outlast a few seconds of outage; the repair pass backs them up.
      env: {
        SYNC_CONCURRENCY: '4',
        SYNC_TASK_ATTEMPTS: '12',
        SCHEDULER_ENABLED: 'true',
        SCHEDULER_INTERVAL_SECONDS: '1',
        SYNC_RUN_STALL_MINUTES: '0.5',
      },
      worker: false,
    });
    h.onboard([ACCOUNT]);
    api = await createApiApp(h.env.config);
    await api.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  });
  after(async () => {
    await api?.close();
    await h?.close();
  });

  const readyz = async (base: string) => {
    const res = await fetch(`${base}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string } };
  };
  const runsOf = () =>
    h.env.prisma.syncRun.findMany({
      where: { connectionId: h.connection.id },
      orderBy: { createdAt: 'asc' },
    });

  it('the run converges exactly; /readyz names postgres while it is down', async () => {
    const worker = await h.startWorker();
    workerUrl = `http://127.0.0.1:${(worker.http.address() as AddressInfo).port}`;
    const [run] = await until('the scheduled run ends 3 tasks', runsOf, (r) => r[0]?.tasksDone >= 3, 30_000);

    // First a plain cut: every connection dies at once, the database stays up.
    const cut = await cutPostgresConnections(h.env.db.name);
    assert.ok(cut >= 2, `connections cut: ${cut}`);
    await until('the run moves on after the cut', runsOf, (r) => r[0].tasksDone >= run.tasksDone + 2, 30_000);

    // Then an outage: connections refused for a while.
    const outage = await blockPostgres(h.env.db.name);
    try {
      for (const base of [workerUrl, apiUrl]) {
        const r = await readyz(base);
        assert.equal(r.status, 503, base);
        assert.equal(r.body.status, 'not ready: postgres down', base);
      }
      await new Promise((r) => setTimeout(r, 1500)); // tasks fail their writes meanwhile
    } finally {
      await outage.restore();
    }
    await until(
      '/readyz recovers',
      () => readyz(workerUrl),
      (r) => r.status === 200,
      15_000,
    );
    assert.equal((await readyz(apiUrl)).status, 200);

    const ended = await h.waitForRun(run.id, 90_000);
    assert.equal(ended.status, 'succeeded', ended.errorMessage ?? '');
    const diff = diffInventories(await h.inventory(), expectedInventory(await h.truth()));
    assert.deepEqual(diff.counts, [0, 0, 0], JSON.stringify(diff));
    // Nothing half-written: each page's upsert, its change rows and the task's counters are one statement.
    const live = await h.env.prisma.resource.count({ where: { tenantId: h.tenantId, deletedAt: null } });
    assert.equal(
      await h.env.prisma.resourceChange.count({ where: { runId: run.id, kind: 'created' } }),
      live,
    );
    const tasks = await h.env.prisma.syncTask.aggregate({
      where: { runId: run.id },
      _sum: { resourcesSeen: true },
    });
    assert.equal(tasks._sum.resourcesSeen, live, "the tasks' counters match what was written");
    assert.equal(ended.resourcesSeen, live);
    const attempts = await h.env.prisma.syncTask.aggregate({
      where: { runId: run.id },
      _max: { attempts: true },
    });
    console.log(
      `# postgres blip: ${cut} connections cut, then ${outage.cut} more and 1.5 s refused; most attempts of one task: ${attempts._max.attempts}`,
    );
  });
});
