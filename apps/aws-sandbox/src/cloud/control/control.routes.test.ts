import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCloudSandbox, HANDLER_PERMISSIONS } from '../index';
import type { TruthResource } from './truth';
import { awsError, fakeContext, listAll, shippedScenario } from '../testing.helpers';

const MGMT = '111111111111';
const q = new URLSearchParams();

describe('control routes', () => {
  it('creates, updates and deletes resources; listings, truth and open NextTokens follow', async () => {
    const sandbox = createCloudSandbox({ scenario: shippedScenario('small') });
    const routes = sandbox.controlRoutes;
    const cc = sandbox.services.find((s) => s.targetPrefix === 'CloudApiService')!;
    const ctx = fakeContext(MGMT, 'us-east-1');
    const ref = { accountId: MGMT, region: 'us-east-1', type: 'AWS::EC2::Instance' };
    const before = await listAll(cc, ctx, ref.type);
    assert.equal(before.items.length, 12);

    const first = (await cc.handle('ListResources', { TypeName: ref.type }, ctx)) as { NextToken?: string };
    const created = (await routes['POST /_sandbox/resources']!(
      { ...ref, tags: { Team: 'core' } },
      q,
    )) as TruthResource;
    assert.match(created.identifier, /^i-[0-9a-f]{17}$/);
    assert.deepEqual((created.properties as { Tags: unknown }).Tags, [{ Key: 'Team', Value: 'core' }]);
    const victim = before.items[3]!.Identifier;
    await routes['DELETE /_sandbox/resources']!({ ...ref, identifier: victim }, q);
    const edited = before.items[5]!.Identifier;
    await routes['PATCH /_sandbox/resources']!(
      { ...ref, identifier: edited, properties: { InstanceType: 'm7g.large' }, tags: [] },
      q,
    );

    const after = await listAll(cc, ctx, ref.type);
    const ids = after.items.map((i) => i.Identifier);
    assert.equal(ids.length, 12);
    assert.ok(ids.includes(created.identifier) && !ids.includes(victim));
    const model = JSON.parse(after.items.find((i) => i.Identifier === edited)!.Properties) as Record<
      string,
      unknown
    >;
    assert.equal(model.InstanceType, 'm7g.large');
    assert.equal(model.Tags, undefined);
    const truth = (await routes['GET /_sandbox/truth']!(undefined, new URLSearchParams(ref))) as {
      resources: TruthResource[];
      summary: { total: number };
    };
    assert.deepEqual(truth.resources.map((r) => r.identifier).sort(), [...ids].sort());
    assert.equal(truth.summary.total, 12);

    // a token issued before the changes still pages to the end
    let token = first.NextToken;
    while (token)
      token = (
        (await cc.handle('ListResources', { TypeName: ref.type, NextToken: token }, ctx)) as {
          NextToken?: string;
        }
      ).NextToken;
    const gone = await awsError(cc.handle('GetResource', { TypeName: ref.type, Identifier: victim }, ctx));
    assert.equal(gone.code, 'ResourceNotFoundException');
  });

  it('changes latency, throttling and faults live, and reloads scenarios', async () => {
    const sandbox = createCloudSandbox({ scenario: 'small' });
    const routes = sandbox.controlRoutes;
    const cc = sandbox.services.find((s) => s.targetPrefix === 'CloudApiService')!;
    await routes['POST /_sandbox/faults']!({ latencyMs: 30, latencyJitterMs: 0 }, q);
    const t0 = performance.now();
    await cc.handle('ListResources', { TypeName: 'AWS::EC2::Instance' }, fakeContext(MGMT, 'us-east-1'));
    assert.ok(performance.now() - t0 >= 28);
    await routes['POST /_sandbox/faults']!({ latencyMs: 0, throttle: { ratePerSecond: 1, burst: 1 } }, q);
    await cc.handle('ListResources', { TypeName: 'AWS::EC2::Instance' }, fakeContext(MGMT, 'us-east-1'));
    assert.equal(
      (
        await awsError(
          cc.handle('ListResources', { TypeName: 'AWS::EC2::Instance' }, fakeContext(MGMT, 'us-east-1')),
        )
      ).code,
      'ThrottlingException',
    );
    const loaded = (await routes['POST /_sandbox/scenario']!({ name: 'demo' }, q)) as {
      summary: { total: number };
    };
    assert.equal(loaded.summary.total, 4 * 3 * 165);
    assert.equal(sandbox.organization()?.accounts.length, 4);
    const bad = await awsError(routes['POST /_sandbox/scenario']!({ regions: ['nowhere'] }, q));
    assert.equal(bad.status, 400);
    await routes['POST /_sandbox/reset']!(undefined, q);
    assert.equal(sandbox.organization()?.managementAccountId, MGMT);
  });

  it('exports the handler permissions of every type', () => {
    assert.deepEqual(HANDLER_PERMISSIONS['AWS::S3::Bucket'].list, ['s3:ListAllMyBuckets']);
    assert.ok(HANDLER_PERMISSIONS['AWS::Lambda::Function'].read.includes('lambda:GetFunction'));
    assert.deepEqual(HANDLER_PERMISSIONS['AWS::ECS::Cluster'].list, [
      'ecs:DescribeClusters',
      'ecs:ListClusters',
    ]);
    assert.equal(Object.keys(HANDLER_PERMISSIONS).length, 5);
  });
});
