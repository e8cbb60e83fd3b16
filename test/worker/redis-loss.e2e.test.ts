// Issue #17's repro: Redis loses every key of this deployment (a restart without persistence, a
// failover to an empty replica) in the middle of an organization sync. PostgreSQL holds the truth:
// the repair pass rebuilds the lost jobs, the run completes with the exact inventory, and the
// connection's next scheduled run starts.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sampleValue } from '@tally/metrics';
import { clearRedisPrefix } from '@tally/testing';
import {
  diffInventories,
  expectedInventory,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync.harness';

const MGMT = '710000000001';
const MEMBERS = ['710000000002', '710000000003'];
const REGIONS = ['us-east-1', 'eu-west-1'];

describe('Redis forgets every job mid-run', () => {
  let h: SyncHarness;

  before(async () => {
    h = await startSyncHarness({
      scenario: {
        seed: 'redis-loss',
        organization: {
          managementAccountId: MGMT,
          accounts: [MGMT, ...MEMBERS].map((id, i) => ({ id, name: `a${i}`, email: `a${i}@example.com` })),
        },
        regions: REGIONS,
        resources: {
          perAccountRegion: {
            'AWS::S3::Bucket': 2,
            'AWS::ECS::Cluster': 3,
            'AWS::EC2::Instance': 12,
            'AWS::Lambda::Function': 8,
            'AWS::RDS::DBInstance': 3,
          },
        },
        latencyMs: 30,
        paging: { maxPageSize: 3 },
      },
      mode: 'organization',
      accountId: MGMT,
      regions: REGIONS,
      // 3 accounts x (4 types x 2 regions + S3 once) = 27 tasks, 3 at a time, as in the issue.
      env: {
        SYNC_CONCURRENCY: '3',
        SCHEDULER_ENABLED: 'true',
        SCHEDULER_INTERVAL_SECONDS: '1',
        SYNC_RUN_STALL_MINUTES: '0.6',
      },
      worker: false,
    });
    h.onboard([MGMT, ...MEMBERS]);
  });
  after(() => h?.close());

  /** Polls the database (the truth) until `done` holds. */
  async function until<T>(
    what: string,
    read: () => Promise<T>,
    done: (v: T) => boolean,
    ms: number,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (done(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const runsOf = () =>
    h.env.prisma.syncRun.findMany({
      where: { connectionId: h.connection.id },
      orderBy: { createdAt: 'asc' },
    });

  it('the scheduled run completes exactly after its jobs vanished, and the next scheduled run starts', async () => {
    const worker = await h.startWorker(); // its scheduler claims the new connection at once
    const [first] = await until(
      'the scheduled run starts and ends 5 tasks',
      runsOf,
      (r) => r[0]?.tasksDone >= 5,
      30_000,
    );
    assert.equal(first.trigger, 'schedule');
    assert.equal(first.tasksTotal, 27);
    const deleted = await clearRedisPrefix(h.env.config);
    assert.ok(deleted > 0, 'the run had jobs in Redis');
    const lost = await h.env.prisma.syncRun.findUniqueOrThrow({ where: { id: first.id } });
    assert.ok(
      lost.tasksDone < lost.tasksTotal,
      `keys deleted mid-run (${lost.tasksDone}/${lost.tasksTotal})`,
    );

    const run = await h.waitForRun(first.id, 90_000);
    assert.equal(run.tasksDone, 27);
    if (run.status === 'failed') {
      // Allowed by the issue when repair cannot recover in time (seen once on a machine at load 20):
      // the run must then say why, and the next scheduled run below must converge.
      assert.equal(run.errorCode, 'run_stalled', run.errorMessage ?? '');
      assert.match(run.errorMessage ?? '', /^No progress for \d+ seconds: \d+ of its 27 tasks never ended/);
    } else {
      assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    }
    const exact = async () => {
      const diff = diffInventories(await h.inventory(), expectedInventory(await h.truth()));
      assert.deepEqual(diff.counts, [0, 0, 0], JSON.stringify(diff));
    };
    if (run.status === 'succeeded') {
      await exact();
      const live = await h.env.prisma.resource.count({ where: { tenantId: h.tenantId, deletedAt: null } });
      const created = await h.env.prisma.resourceChange.count({ where: { runId: run.id, kind: 'created' } });
      assert.equal(created, live, 'each resource created exactly once');
    }

    const base = `http://127.0.0.1:${(worker.http.address() as AddressInfo).port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const rebuilt = sampleValue(metrics, 'tally_repairs_total', { kind: 'sync-run', action: 'reenqueued' });
    assert.ok(rebuilt >= 1, `repairs counted: ${rebuilt}`);
    console.log(
      `# redis loss: keys deleted at ${lost.tasksDone}/27 tasks; run ${run.status} after ${((run.finishedAt!.getTime() - run.startedAt!.getTime()) / 1000).toFixed(1)} s; ${rebuilt} jobs rebuilt`,
    );

    await h.env.prisma.connection.update({
      where: { id: h.connection.id },
      data: { nextSyncAt: new Date(Date.now() - 1000) },
    });
    const runs = await until('the next scheduled run', runsOf, (r) => r.length >= 2, 30_000);
    const next = await h.waitForRun(runs[1].id, 60_000);
    assert.equal(next.trigger, 'schedule');
    assert.equal(next.status, 'succeeded', next.errorMessage ?? '');
    await exact();
  });
});
