import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Job } from 'bullmq';
import { PrismaService } from '@tally/db';
import { JobQueueService } from '@tally/jobs';
import { SyncFinisherService } from '@tally/sync';
import { CapturedLogs, createTestEnvironment, type TestEnvironment } from '@tally/testing';
import { startWorker, type RunningWorker } from './worker';

// nestjs-pino keeps one root logger per process: every worker of this file logs here.
const logs = new CapturedLogs();
const RUN = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  runId: '00000000-0000-4000-8000-000000000002',
};

/**
 * A worker whose `sync.finish` handler holds until released, then reads PostgreSQL and enqueues a
 * follow-up job, as real jobs do: a job active while the worker shuts down, and proof of whether
 * the connections it needs were still open.
 */
async function workerWithHeldJob(overrides: Record<string, string>) {
  const env = await createTestEnvironment({ LOG_LEVEL: 'info', ...overrides });
  const worker = await startWorker(env.config, { httpPort: 0, logDestination: logs });
  const prisma = worker.app.get(PrismaService);
  const appJobs = worker.app.get(JobQueueService);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const active = new Promise<void>((r) => (started = r));
  const outcome = { ranQuery: false, enqueued: false, error: undefined as string | undefined };
  worker.app.get(SyncFinisherService).finish = async () => {
    started();
    await released;
    try {
      await prisma.$queryRaw`SELECT 1`;
      outcome.ranQuery = true;
      await appJobs.enqueue('sync.finish', RUN, { delay: 60_000 });
      outcome.enqueued = true;
    } catch (err) {
      outcome.error = (err as Error).message;
    }
    return undefined as never;
  };
  const jobs = new JobQueueService(env.config);
  const job: Job = await jobs.enqueue('sync.finish', RUN);
  await active;
  const base = `http://127.0.0.1:${(worker.http.address() as AddressInfo).port}`;
  return { env, worker, jobs, job, release, outcome, base };
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const msgs = (from = 0) => logs.lines.slice(from).map((l) => (JSON.parse(l) as { msg: string }).msg);

describe('worker shutdown (Nest shutdown hooks)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });
  const track = (w: { env: TestEnvironment; worker: RunningWorker; jobs: JobQueueService }) =>
    cleanup.push(async () => {
      await w.worker.close();
      await w.jobs.close();
      await w.env.close();
    });

  it('stops the scheduler, reports unready, waits for the active job, then closes connections', async () => {
    const w = await workerWithHeldJob({ SHUTDOWN_TIMEOUT_MS: '20000', SCHEDULER_ENABLED: 'true' });
    track(w);
    const registry = w.worker.app.get(SchedulerRegistry);
    assert.ok(registry.doesExist('interval', 'sync-scheduler'));
    let closed = false;
    const closing = w.worker.close().then(() => (closed = true));

    await logs.waitFor(/taking no new jobs; finishing the active ones/);
    assert.ok(
      !registry.doesExist('interval', 'sync-scheduler'),
      'the scheduler no longer claims connections',
    );
    const health = await fetch(`${w.base}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: 'shutting down' });
    assert.equal(closed, false, 'shutdown waits for the active job');
    assert.equal(await w.job.getState(), 'active');

    w.release();
    await closing;
    assert.deepEqual(
      w.outcome,
      { ranQuery: true, enqueued: true, error: undefined },
      'PostgreSQL and Redis were open for the job',
    );
    assert.equal(await w.job.getState(), 'completed');
    await assert.rejects(fetch(`${w.base}/healthz`), 'the listener closed last');
    const order = msgs();
    const at = (m: string) => order.indexOf(m);
    assert.ok(at('scheduler stopped claiming connections') >= 0);
    assert.ok(
      at('scheduler stopped claiming connections') < at('taking no new jobs; finishing the active ones'),
    );
    assert.ok(at('taking no new jobs; finishing the active ones') < at('active jobs finished'));
  });

  it('returns a job still running at SHUTDOWN_TIMEOUT_MS to the queue instead of waiting for it', async () => {
    const w = await workerWithHeldJob({ SHUTDOWN_TIMEOUT_MS: '300' });
    track(w);
    const started = Date.now();
    const mark = logs.lines.length;
    await w.worker.close();
    assert.ok(Date.now() - started < 5000, 'did not wait for the held job');
    assert.ok(msgs(mark).includes('active jobs returned to the queue'), msgs(mark).join('\n'));
    // Still active in Redis under a lock nobody renews: the stalled-job check hands it to another replica.
    assert.equal(await w.job.getState(), 'active');
    // Never released: in production the process exits here, with the job still running.
  });

  it('the process exits 0 on SIGTERM after the shutdown hooks ran', async () => {
    const env = await createTestEnvironment();
    cleanup.push(() => env.close());
    const child = spawn(process.execPath, [join(__dirname, 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: env.config.DATABASE_URL,
        REDIS_URL: env.config.REDIS_URL,
        REDIS_PREFIX: env.config.REDIS_PREFIX,
        WORKER_METRICS_PORT: String(await freePort()),
        SCHEDULER_ENABLED: 'true',
      },
    });
    cleanup.push(async () => void child.kill('SIGKILL'));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"msg":"worker started"')) resolve();
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      void exited.then((code) => reject(new Error(`worker exited (${code}) before starting:\n${out}`)));
    });
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    const order = ['scheduler stopped claiming connections', 'active jobs finished'].map((m) =>
      out.indexOf(`"msg":"${m}"`),
    );
    assert.ok(order[0] >= 0 && order[1] > order[0], out);
  });
});
