// A worker process killed (SIGKILL) while a delivery is in flight: the cursor never moved, so
// another worker delivers the change again once the dead one's lease lapses (at least once).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWebhookReceiver, type WebhookReceiver } from '../../../aws-sandbox/src/standins';
import { startWorker, type RunningWorker } from '../worker';
import { FAST_DELIVERY_ENV, startDeliveryHarness, type DeliveryHarness } from './delivery.harness';

describe('a worker killed mid-delivery', () => {
  let h: DeliveryHarness;
  let rx: WebhookReceiver;
  let child: ChildProcess | undefined;
  let survivor: RunningWorker | undefined;
  const port = 20000 + Math.floor(Math.random() * 20000);

  before(async () => {
    h = await startDeliveryHarness({}, { worker: false });
    rx = await startWebhookReceiver();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await survivor?.close();
    await rx?.close();
    await h?.close();
  });

  async function waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(50);
    }
    throw new Error('the worker process did not start');
  }

  it('delivers the change again after SIGKILL', async () => {
    const c = h.env.config;
    child = spawn(process.execPath, [join(__dirname, '..', 'main.js')], {
      env: {
        ...process.env,
        ...FAST_DELIVERY_ENV,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: c.DATABASE_URL,
        REDIS_URL: c.REDIS_URL,
        REDIS_PREFIX: c.REDIS_PREFIX,
        WORKER_METRICS_PORT: String(port),
        SCHEDULER_ENABLED: 'false',
      },
      stdio: 'ignore',
    });
    await waitUntilReady();
    const { tenantId, resourceIds } = await h.tenant(1);
    rx.hang();
    const { destination } = await h
      .destinations()
      .createDestination(tenantId, { name: 'crash', kind: 'webhook', config: { url: rx.url } });
    const changeId = await h.change(tenantId, resourceIds[0], 'updated');

    await rx.waitFor((r) => r.length >= 1, 'the in-flight delivery', 20_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    rx.ok();

    survivor = await startWorker(c, { httpPort: 0 });
    const [delivered] = await rx.waitForAccepted(1, 30_000);
    assert.equal(delivered.headers['webhook-id'], changeId);
    assert.equal(
      rx.received[0].headers['webhook-id'],
      changeId,
      'the killed worker had sent the same change',
    );
    const view = await h.until(tenantId, destination.id, (v) => v.lag.changes === 0, 'caught up');
    assert.equal(view.status, 'active');
  });
});
