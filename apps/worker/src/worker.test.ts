import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { JobQueueService } from '@tally/jobs';
import { sampleValue } from '@tally/metrics';
import {
  CapturedLogs,
  createConnection,
  createTenant,
  createTestEnvironment,
  type TestEnvironment,
} from '@tally/testing';
import { SyncQueueWorker } from './sync/sync-queue.worker';
import { startWorker, type RunningWorker } from './worker';

describe('worker process: http listener, metrics, ordered shutdown', () => {
  let env: TestEnvironment;
  let worker: RunningWorker;
  const logs = new CapturedLogs();
  let base: string;

  before(async () => {
    env = await createTestEnvironment({ LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: '5000' });
    worker = await startWorker(env.config, { httpPort: 0, logDestination: logs });
    base = `http://127.0.0.1:${(worker.http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await worker?.close();
    await env.close();
  });

  it('serves /healthz, /readyz and /metrics with queue depth and scheduler lag read at scrape time', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const tenant = await createTenant(env.prisma);
    await createConnection(env.prisma, tenant.id, {
      status: 'active',
      nextSyncAt: new Date(Date.now() - 120_000),
    });
    await createConnection(env.prisma, tenant.id, {
      status: 'active',
      paused: true,
      nextSyncAt: new Date(Date.now() - 999_000),
    });
    await createConnection(env.prisma, tenant.id, {
      status: 'pending',
      nextSyncAt: new Date(Date.now() - 999_000),
    });
    // Delayed, so the running worker leaves it alone while we look.
    await worker.app
      .get(JobQueueService)
      .enqueue(
        'sync.finish',
        { tenantId: tenant.id, runId: '00000000-0000-4000-8000-000000000000' },
        { delay: 60_000 },
      );

    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    assert.equal(sampleValue(body, 'tally_queue_jobs', { queue: 'sync', state: 'delayed' }), 1);
    assert.equal(sampleValue(body, 'tally_queue_jobs', { queue: 'sync', state: 'failed' }), 0);
    assert.match(body, /tally_queue_jobs\{queue="sync",state="active"\} 0/);
    assert.equal(
      sampleValue(body, 'tally_scheduler_due_connections'),
      1,
      'paused and unverified connections are not due',
    );
    const lag = sampleValue(body, 'tally_scheduler_lag_seconds');
    assert.ok(lag >= 120 && lag < 200, `lag ${lag}`);
    assert.match(body, /^process_cpu_user_seconds_total /m, 'default process metrics');
    for (const name of [
      'tally_sync_runs_total',
      'tally_sync_tasks_total',
      'tally_aws_calls_total',
      'tally_sts_assume_role_total',
      'tally_credential_cache_lookups_total',
    ]) {
      assert.match(body, new RegExp(`^# TYPE ${name} counter`, 'm'), name);
    }
  });

  it('logs one start-up line per component and, on close, stops the scheduler before the queue workers', async () => {
    const queueWorker = worker.app.get(SyncQueueWorker).worker!;
    assert.ok(queueWorker.isRunning());
    await Promise.all([worker.close(), worker.close()]); // idempotent
    assert.ok(!queueWorker.isRunning());
    await assert.rejects(fetch(`${base}/healthz`));
    const lines = logs.lines.map(
      (l) => JSON.parse(l) as { component?: string; msg: string; outcome?: string },
    );
    for (const c of ['http', 'queue-workers', 'scheduler'])
      assert.ok(
        lines.some((l) => l.component === c),
        c,
      );
    const stopped = lines.findIndex((l) => l.msg === 'scheduler stopped claiming connections');
    const finished = lines.findIndex((l) => l.msg === 'active jobs finished');
    assert.ok(
      stopped >= 0 && finished > stopped,
      `scheduler first, then the workers:\n${lines.map((l) => l.msg).join('\n')}`,
    );
  });
});
