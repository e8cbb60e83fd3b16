// A worker process killed (SIGKILL) in the middle of a run: another one takes over the stalled
// jobs and the run still ends with the exact inventory.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { JobQueueService } from '@tally/jobs';
import { SyncRunsService } from '@tally/sync';
import {
  diffInventories,
  expectedInventory,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync.harness';
import { spawnWorkerProcess } from '../support/faults.harness';

const ACCOUNT = '666666666666';
const REGIONS = ['us-east-1', 'eu-central-1'];

describe('a worker killed mid-run', () => {
  let h: SyncHarness;
  let child: ChildProcess | undefined;

  before(async () => {
    h = await startSyncHarness({
      scenario: {
        seed: 'sync-crash',
        accounts: [{ id: ACCOUNT }],
        regions: REGIONS,
        resources: {
          perAccountRegion: {
            'AWS::S3::Bucket': 4,
            'AWS::ECS::Cluster': 6,
            'AWS::EC2::Instance': 40,
            'AWS::Lambda::Function': 20,
            'AWS::RDS::DBInstance': 6,
          },
        },
        latencyMs: 40,
        paging: { maxPageSize: 5, emptyPageRate: 0.1 },
      },
      mode: 'account',
      accountId: ACCOUNT,
      regions: REGIONS,
      worker: false,
      env: { SYNC_LOCK_DURATION_MS: '2000', SYNC_CONCURRENCY: '4' },
    });
    h.onboard([ACCOUNT]);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await h?.close();
  });

  it('the run converges after SIGKILL and a restart', async () => {
    const worker = spawnWorkerProcess(h.env.config, {
      SCHEDULER_ENABLED: 'false',
      SYNC_LOCK_DURATION_MS: '2000',
      SYNC_CONCURRENCY: '4',
      SYNC_TASK_BACKOFF_MS: '200',
    });
    child = worker.child;
    await worker.ready;
    const jobs = new JobQueueService(h.env.config);
    const requested = await new SyncRunsService(h.env.prisma, jobs, h.env.config).requestRun(
      h.tenantId,
      h.connection.id,
      'manual',
    );
    await jobs.close();
    // Kill it once some tasks ended and some have not.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const run = await h.env.prisma.syncRun.findUniqueOrThrow({ where: { id: requested.id } });
      if (run.tasksDone >= 2) break;
      assert.ok(
        Date.now() < deadline,
        `worker made no progress (${run.status} ${run.tasksDone}/${run.tasksTotal})`,
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.kill();
    const mid = await h.env.prisma.syncRun.findUniqueOrThrow({ where: { id: requested.id } });
    assert.equal(mid.status, 'running', 'the kill landed mid-run');
    assert.ok(mid.tasksDone < mid.tasksTotal);

    await h.startWorker();
    const run = await h.waitForRun(requested.id, 20_000);
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    const diff = diffInventories(await h.inventory(), expectedInventory(await h.truth()));
    assert.deepEqual(diff.counts, [0, 0, 0], JSON.stringify(diff));
    // Each resource was created exactly once despite the re-run tasks.
    const live = await h.env.prisma.resource.count({ where: { tenantId: h.tenantId, deletedAt: null } });
    const created = await h.env.prisma.resourceChange.count({ where: { runId: run.id, kind: 'created' } });
    assert.equal(created, live);
    assert.equal(await h.env.prisma.resourceChange.count({ where: { runId: run.id, kind: 'deleted' } }), 0);
  });
});
