// PortAdapter on its own against the Port API stand-in over HTTP: token life cycle and answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PortAdapter, type DeliveryContext, type DeliveryItem } from '@tally/delivery';
import { startPortApiStandIn, type PortApiStandIn } from '../../apps/aws-sandbox/src/standins';

function item(kind: 'updated' | 'deleted', identifier: string, blueprint = 'cloudResource'): DeliveryItem {
  const now = new Date();
  return {
    id: `c-${identifier}-${kind}`,
    cursor: '',
    kind,
    at: now,
    source: 'sync',
    runId: null,
    eventId: null,
    changedFields: [],
    resource: {
      id: `r-${identifier}`,
      provider: 'aws',
      type: 'AWS::S3::Bucket',
      identifier,
      arn: null,
      name: identifier,
      accountId: '123456789012',
      region: 'us-east-1',
      tags: {},
      relationships: [],
      properties: {},
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
      deletedAt: null,
    },
    entities: [{ identifier, title: identifier, blueprint, properties: { n: 1 }, relations: {} }],
  };
}

describe('PortAdapter', () => {
  let p: PortApiStandIn;
  const ctx = (): DeliveryContext => ({
    destination: {
      id: 'd1',
      tenantId: 't1',
      name: 'port',
      config: { baseUrl: p.url, clientId: 'port-client-id' },
    },
    secrets: { clientSecret: 'port-client-secret' },
    policy: { allowPrivate: true, requireHttps: false },
    timeoutMs: 2000,
  });

  before(async () => {
    p = await startPortApiStandIn({ expiresIn: 600 });
  });
  after(() => p.close());

  it('caches the token and renews it a minute before it expires', async () => {
    let now = 1_000_000;
    const adapter = new PortAdapter(() => now);
    assert.deepEqual(await adapter.deliver([item('updated', 'a'), item('updated', 'b')], ctx()), [
      { ok: true },
      { ok: true },
    ]);
    assert.equal(p.tokensIssued.length, 1);
    now += 500_000; // 100 s left: still used
    await adapter.deliver([item('updated', 'c')], ctx());
    assert.equal(p.tokensIssued.length, 1);
    now += 45_000; // 55 s left: renewed before use
    await adapter.deliver([item('updated', 'd')], ctx());
    assert.equal(p.tokensIssued.length, 2);
    assert.equal(p.requests.at(-1)!.token, p.tokensIssued[1]);
  });

  it('a delete of an entity Port no longer has succeeds; a 500 is a plain failure for the backoff', async () => {
    const adapter = new PortAdapter();
    assert.deepEqual(await adapter.deliver([item('deleted', 'never-there')], ctx()), [{ ok: true }]);
    p.failNext(1, 500);
    const [out] = await adapter.deliver([item('updated', 'e')], ctx());
    assert.equal(out.ok, false);
    assert.ok(!out.ok && !out.pause && out.retryAfterMs === undefined);
    assert.match(!out.ok ? out.error : '', /answered HTTP 500/);
  });

  it('a 429 stops the batch and carries Retry-After', async () => {
    const adapter = new PortAdapter();
    p.failNext(1, 429, 3);
    const outs = await adapter.deliver([item('updated', 'f')], ctx());
    assert.deepEqual(
      outs.map((o) => (o.ok ? 'ok' : o.retryAfterMs)),
      [3000],
    );
  });
});
