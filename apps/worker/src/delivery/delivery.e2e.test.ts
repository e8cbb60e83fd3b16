// Delivery through the real worker (queue, notifications, engine) to the stand-ins over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyWebhook } from '@tally/delivery';
import {
  startCrudServiceStandIn,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../aws-sandbox/src/standins';
import { payloads, seqsByResource, startDeliveryHarness, type DeliveryHarness } from './delivery.harness';

describe('delivery to webhooks and the CRUD Service', () => {
  let h: DeliveryHarness;
  const receivers: WebhookReceiver[] = [];

  async function receiver(): Promise<WebhookReceiver> {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  }

  before(async () => {
    h = await startDeliveryHarness();
  });
  after(async () => {
    await h?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  it('a receiver failing with 500 then recovering loses nothing and keeps per-resource order', async () => {
    const { tenantId, resourceIds } = await h.tenant(5);
    const rx = await receiver();
    const { destination, secret } = await h.destinations().createDestination(tenantId, {
      name: 'flaky',
      kind: 'webhook',
      config: { url: rx.url },
    });
    assert.match(secret!, /^whsec_/);
    rx.failFor(1500);
    const last = new Map<string, string>();
    for (let round = 0; round < 6; round++) {
      for (const id of resourceIds) last.set(id, await h.change(tenantId, id, 'updated', `r${round}`));
    }
    await rx.waitFor(() => {
      const delivered = new Set(payloads(rx.accepted()).map((p) => p.data.id));
      return [...last.values()].every((id) => delivered.has(id));
    }, 'delivery of every resource’s last change');
    assert.ok(
      rx.received.some((r) => r.status === 500),
      'the receiver did fail first',
    );
    for (const [resourceId, seqs] of seqsByResource(rx.accepted())) {
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        `order of ${resourceId}`,
      );
    }
    for (const p of payloads(rx.accepted())) assert.equal(p.type, 'resource.updated');
    const finalNames = payloads(rx.accepted()).filter((p) => [...last.values()].includes(p.data.id));
    assert.ok(finalNames.every((p) => p.data.resource.name === 'r5'));
    // Signed with the secret answered once; the view never shows it again.
    const one = rx.accepted()[0];
    assert.ok(
      verifyWebhook(
        secret!,
        one.headers['webhook-id'],
        Number(one.headers['webhook-timestamp']),
        one.body,
        one.headers['webhook-signature'],
      ),
    );
    const view = await h.caughtUp(tenantId, destination.id);
    assert.ok(!JSON.stringify(view).includes(secret!.slice(6)));
    assert.equal(view.status, 'active');
    assert.equal(view.lastError, null);
    assert.equal(view.lag.changes, 0);
    const deliveries = await h.destinations().listDeliveries(tenantId, destination.id);
    assert.ok(deliveries.some((d) => d.outcome === 'failed' && /HTTP 500/.test(d.error ?? '')));
  });

  it('rotating the webhook secret signs with both secrets during the overlap; secrets are encrypted at rest', async () => {
    const { tenantId, resourceIds } = await h.tenant(1);
    const rx = await receiver();
    const { destination, secret: old } = await h.destinations().createDestination(tenantId, {
      name: 'rotating',
      kind: 'webhook',
      config: { url: rx.url },
    });
    const { secret: fresh, previousExpiresAt } = await h
      .destinations()
      .rotateSecret(tenantId, destination.id);
    assert.notEqual(fresh, old);
    assert.ok(previousExpiresAt.getTime() > Date.now() + 23 * 3_600_000);
    const row = await h.env.prisma.destination.findUniqueOrThrow({ where: { id: destination.id } });
    const stored = Buffer.from(row.secretsCipher!).toString('latin1');
    for (const s of [old!, fresh]) assert.ok(!stored.includes(s.slice(6)) && !stored.includes('whsec_'));
    await h.change(tenantId, resourceIds[0], 'updated');
    const [got] = await rx.waitForAccepted(1);
    const sigs = got.headers['webhook-signature'].split(' ');
    assert.equal(sigs.length, 2);
    for (const s of [old!, fresh]) {
      assert.ok(
        verifyWebhook(
          s,
          got.headers['webhook-id'],
          Number(got.headers['webhook-timestamp']),
          got.body,
          got.headers['webhook-signature'],
        ),
      );
    }
  });

  it('a hanging receiver trips the timeout and never stalls another destination', async () => {
    const { tenantId, resourceIds } = await h.tenant(3);
    const [stuck, healthy] = [await receiver(), await receiver()];
    stuck.hang();
    const s = await h
      .destinations()
      .createDestination(tenantId, { name: 'stuck', kind: 'webhook', config: { url: stuck.url } });
    await h
      .destinations()
      .createDestination(tenantId, { name: 'healthy', kind: 'webhook', config: { url: healthy.url } });
    const t0 = Date.now();
    for (const id of resourceIds) await h.change(tenantId, id, 'updated');
    await healthy.waitForAccepted(3, 5000);
    assert.ok(Date.now() - t0 < 3000, `healthy destination served in ${Date.now() - t0} ms`);
    await stuck.waitFor((r) => r.length >= 4, 'a retry after the first batch timed out');
    const view = await h.destinations().getDestination(tenantId, s.destination.id);
    assert.match(view.lastError ?? '', /did not answer within 1000 ms/);
    stuck.ok();
    await stuck.waitForAccepted(3);
  });

  it('a destination answering 410 is disabled (paused) with words the customer can act on', async () => {
    const { tenantId, resourceIds } = await h.tenant(1);
    const rx = await receiver();
    rx.gone();
    const { destination } = await h
      .destinations()
      .createDestination(tenantId, { name: 'gone', kind: 'webhook', config: { url: rx.url } });
    await h.change(tenantId, resourceIds[0], 'updated');
    await rx.waitFor((r) => r.length >= 1, 'the 410 answer');
    const view = await h.until(tenantId, destination.id, (v) => v.status === 'paused', 'paused');
    assert.match(view.lastError ?? '', /410.*fix the URL, then resume/);
    assert.equal(view.lag.changes, 1, 'the backlog is kept');
    rx.ok();
    await h.destinations().updateDestination(tenantId, destination.id, { status: 'active' });
    await rx.waitForAccepted(1);
  });

  it("a tenant's destination never sees another tenant's changes", async () => {
    const a = await h.tenant(2);
    const b = await h.tenant(2);
    const [rxA, rxB] = [await receiver(), await receiver()];
    await h
      .destinations()
      .createDestination(a.tenantId, { name: 'a', kind: 'webhook', config: { url: rxA.url } });
    await h
      .destinations()
      .createDestination(b.tenantId, { name: 'b', kind: 'webhook', config: { url: rxB.url } });
    for (const id of a.resourceIds) await h.change(a.tenantId, id, 'updated');
    for (const id of b.resourceIds) await h.change(b.tenantId, id, 'updated');
    await rxA.waitForAccepted(2);
    await rxB.waitForAccepted(2);
    assert.ok(payloads(rxA.accepted()).every((p) => a.resourceIds.includes(p.data.resource.id)));
    assert.ok(payloads(rxB.accepted()).every((p) => b.resourceIds.includes(p.data.resource.id)));
    await assert.rejects(
      h
        .destinations()
        .getDestination(b.tenantId, (await h.destinations().listDestinations(a.tenantId))[0].id),
      /not found/,
    );
  });

  it('CRUD Service: backfill as created, upsert with $set/$unset on resourceId, delete by _q, headers sent', async () => {
    const { tenantId, resourceIds } = await h.tenant(3);
    const crud = await startCrudServiceStandIn({ requiredHeaders: { 'x-api-key': 'k-123' } });
    try {
      const { destination, secret } = await h.destinations().createDestination(tenantId, {
        name: 'mia',
        kind: 'crud-service',
        config: { url: `${crud.url}/inventory`, headers: { 'x-api-key': 'k-123' } },
        backfill: true,
      });
      assert.equal(secret, undefined);
      assert.ok(!JSON.stringify(destination).includes('k-123'), 'headers are secrets: never shown');
      const until = async (test: () => boolean, what: string) => {
        for (let i = 0; i < 250 && !test(); i++) await new Promise((r) => setTimeout(r, 20));
        assert.ok(test(), what);
      };
      await until(() => crud.documents.length === 3, 'backfill of 3 resources');
      const doc = crud.documents.find((d) => d.resourceId === resourceIds[0])!;
      assert.deepEqual(Object.keys(doc).sort(), [
        '_id',
        'location',
        'name',
        'provider',
        'rawData',
        'relationships',
        'resourceId',
        'tags',
        'timestamp',
        'type',
      ]);
      assert.equal(doc.provider, 'aws');
      assert.equal(doc.location, 'us-east-1');
      assert.ok(JSON.parse(Buffer.from(String(doc.rawData), 'base64').toString()).BucketName);

      await h.env.prisma.resource.update({ where: { id: resourceIds[1] }, data: { name: null } });
      await h.change(tenantId, resourceIds[2], 'deleted');
      await h.env.prisma.$executeRawUnsafe(
        `INSERT INTO resource_changes (tenant_id, resource_id, kind, changed_fields) VALUES ($1::uuid, $2::uuid, 'updated', '{}')`,
        tenantId,
        resourceIds[1],
      );
      await until(
        () =>
          crud.documents.length === 2 &&
          !('name' in crud.documents.find((d) => d.resourceId === resourceIds[1])!),
        'delete and $unset',
      );
      assert.ok(
        crud.requests.some(
          (r) =>
            r.method === 'DELETE' && decodeURIComponent(r.url).includes(`"resourceId":"${resourceIds[2]}"`),
        ),
      );
      const view = await h.destinations().getDestination(tenantId, destination.id);
      assert.equal(view.backfillPending, false);
      const test = await h.destinations().test(tenantId, destination.id);
      assert.equal(test.ok, true);
    } finally {
      await crud.close();
    }
  });

  it('replay from a cursor sends the changes again; test reports a failing endpoint in words', async () => {
    const { tenantId, resourceIds } = await h.tenant(2);
    const rx = await receiver();
    const { destination } = await h
      .destinations()
      .createDestination(tenantId, { name: 'replay', kind: 'webhook', config: { url: rx.url } });
    const start = (await h.destinations().getDestination(tenantId, destination.id)).cursor;
    for (const id of resourceIds) await h.change(tenantId, id, 'created');
    await rx.waitForAccepted(2);
    await h.destinations().replay(tenantId, destination.id, { after: start });
    await rx.waitForAccepted(4);
    const ids = payloads(rx.accepted()).map((p) => p.data.id);
    assert.deepEqual(ids.slice(2).sort(), ids.slice(0, 2).sort());
    rx.failFor(60_000, 503);
    const t = await h.destinations().test(tenantId, destination.id);
    assert.equal(t.ok, false);
    assert.match(t.error ?? '', /answered HTTP 503/);
    assert.equal(JSON.parse(rx.received.at(-1)!.body).type, 'tally.test');
    rx.ok();
  });
});
