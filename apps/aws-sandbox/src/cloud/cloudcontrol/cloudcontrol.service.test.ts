import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCloudSandbox, type CloudSandbox } from '../index';
import type { TruthResource } from '../control/truth';
import { awsError, fakeContext, listAll, shippedScenario } from '../testing.helpers';
import type { JsonService } from '../../contract';

const MGMT = '111111111111';
const MEMBER = '222222222222';
const TYPES = [
  'AWS::S3::Bucket',
  'AWS::ECS::Cluster',
  'AWS::EC2::Instance',
  'AWS::Lambda::Function',
  'AWS::RDS::DBInstance',
];

function setup(overrides: Record<string, unknown> = {}): { sandbox: CloudSandbox; cc: JsonService } {
  const sandbox = createCloudSandbox({ scenario: { ...shippedScenario('small'), ...overrides } });
  return { sandbox, cc: sandbox.services.find((s) => s.targetPrefix === 'CloudApiService')! };
}

async function truth(sandbox: CloudSandbox, query: Record<string, string>): Promise<TruthResource[]> {
  const out = (await sandbox.controlRoutes['GET /_sandbox/truth']!(
    undefined,
    new URLSearchParams(query),
  )) as { resources: TruthResource[] };
  return out.resources;
}

describe('Cloud Control ListResources', () => {
  it('pages with varying sizes, empty pages carrying NextToken, and collects exactly the truth', async () => {
    const { sandbox, cc } = setup({
      resources: { perAccountRegion: { 'AWS::EC2::Instance': 400 } },
      paging: { maxPageSize: 100, emptyPageRate: 0.2 },
    });
    const { items, pages } = await listAll(cc, fakeContext(MGMT, 'us-east-1'), 'AWS::EC2::Instance', 5);
    const expected = await truth(sandbox, {
      accountId: MGMT,
      region: 'us-east-1',
      type: 'AWS::EC2::Instance',
    });
    assert.equal(expected.length, 400);
    assert.deepEqual(items.map((i) => i.Identifier).sort(), expected.map((r) => r.identifier).sort());
    assert.ok(
      pages.some((p) => p.size === 0 && p.hasToken),
      'an empty page that still has a NextToken',
    );
    assert.ok(
      pages.some((p) => p.size > 5),
      'MaxResults is ignored',
    );
    assert.equal(new Set(pages.map((p) => p.size)).size > 3, true, 'page sizes vary');
  });

  it('is deterministic from the seed and differs with another seed', async () => {
    const a = await listAll(setup().cc, fakeContext(MGMT, 'us-east-1'), 'AWS::Lambda::Function');
    const b = await listAll(setup().cc, fakeContext(MGMT, 'us-east-1'), 'AWS::Lambda::Function');
    const c = await listAll(
      setup({ seed: 'other' }).cc,
      fakeContext(MGMT, 'us-east-1'),
      'AWS::Lambda::Function',
    );
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.items.map((i) => i.Identifier),
      c.items.map((i) => i.Identifier),
    );
  });

  it('returns partial list models for ECS and Lambda, full ones for EC2, RDS and S3', async () => {
    const { cc } = setup();
    const ctx = fakeContext(MGMT, 'us-east-1');
    for (const type of TYPES) {
      const { items } = await listAll(cc, ctx, type);
      assert.ok(items.length > 0, type);
      const listed = JSON.parse(items[0]!.Properties) as Record<string, unknown>;
      const got = (await cc.handle(
        'GetResource',
        { TypeName: type, Identifier: items[0]!.Identifier },
        ctx,
      )) as {
        ResourceDescription: { Identifier: string; Properties: string };
      };
      const full = JSON.parse(got.ResourceDescription.Properties) as Record<string, unknown>;
      if (type === 'AWS::ECS::Cluster' || type === 'AWS::Lambda::Function') {
        assert.ok(
          Object.keys(listed).length <= 2 && Object.keys(full).length > 5,
          `${type} list model is partial`,
        );
        for (const [k, v] of Object.entries(listed)) assert.deepEqual(full[k], v);
      } else {
        assert.deepEqual(listed, full, `${type} list model is full`);
      }
    }
  });

  it('S3 lists every bucket of the account in any region; GetResource works only in the home region', async () => {
    const { sandbox, cc } = setup();
    const all = await truth(sandbox, { accountId: MGMT, type: 'AWS::S3::Bucket' });
    assert.equal(all.length, 6);
    for (const region of ['us-east-1', 'eu-west-1']) {
      const { items } = await listAll(cc, fakeContext(MGMT, region), 'AWS::S3::Bucket');
      assert.deepEqual(items.map((i) => i.Identifier).sort(), all.map((b) => b.identifier).sort());
    }
    const bucket = all.find((b) => b.region === 'eu-west-1')!;
    assert.equal(
      (bucket.properties as { RegionalDomainName: string }).RegionalDomainName,
      `${bucket.identifier}.s3.eu-west-1.amazonaws.com`,
    );
    const ok = (await cc.handle(
      'GetResource',
      { TypeName: 'AWS::S3::Bucket', Identifier: bucket.identifier },
      fakeContext(MGMT, 'eu-west-1'),
    )) as {
      ResourceDescription: { Properties: string };
    };
    assert.deepEqual(JSON.parse(ok.ResourceDescription.Properties), bucket.properties);
    const err = await awsError(
      cc.handle(
        'GetResource',
        { TypeName: 'AWS::S3::Bucket', Identifier: bucket.identifier },
        fakeContext(MGMT, 'us-east-1'),
      ),
    );
    assert.equal(err.code, 'GeneralServiceException');
    assert.match(err.message, /Status Code: 301/);
  });

  it('answers the exact AWS errors: unsupported, denied, not found, unknown type, bad token', async () => {
    const { cc } = setup();
    const unsupported = await awsError(
      cc.handle('ListResources', { TypeName: 'AWS::ECS::Cluster' }, fakeContext(MGMT, 'eu-west-1')),
    );
    assert.equal(unsupported.code, 'UnsupportedActionException');
    const denied = await awsError(
      cc.handle('ListResources', { TypeName: 'AWS::RDS::DBInstance' }, fakeContext(MEMBER, 'us-east-1')),
    );
    assert.equal(denied.code, 'com.amazon.coral.service#AccessDeniedException');
    assert.equal(denied.status, 400);
    assert.match(denied.message, /rds:DescribeDBInstances/);
    const missing = await awsError(
      cc.handle(
        'GetResource',
        { TypeName: 'AWS::EC2::Instance', Identifier: 'i-0123456789abcdef0' },
        fakeContext(MGMT, 'us-east-1'),
      ),
    );
    assert.equal(missing.code, 'ResourceNotFoundException');
    const unknownType = await awsError(
      cc.handle('ListResources', { TypeName: 'AWS::Foo::Bar' }, fakeContext(MGMT, 'us-east-1')),
    );
    assert.equal(unknownType.code, 'TypeNotFoundException');
    const badToken = await awsError(
      cc.handle(
        'ListResources',
        { TypeName: 'AWS::EC2::Instance', NextToken: 'bm9wZQ' },
        fakeContext(MGMT, 'us-east-1'),
      ),
    );
    assert.equal(badToken.code, 'InvalidRequestException');
  });

  it('rejects a NextToken from another listing', async () => {
    const { cc } = setup();
    const first = (await cc.handle(
      'ListResources',
      { TypeName: 'AWS::EC2::Instance' },
      fakeContext(MGMT, 'us-east-1'),
    )) as { NextToken?: string };
    assert.ok(first.NextToken);
    const err = await awsError(
      cc.handle(
        'ListResources',
        { TypeName: 'AWS::EC2::Instance', NextToken: first.NextToken },
        fakeContext(MGMT, 'eu-west-1'),
      ),
    );
    assert.equal(err.code, 'InvalidRequestException');
  });

  it('authorizes cloudformation:* and the handler permissions of the schema', async () => {
    const { cc } = setup();
    const ctx = fakeContext(MGMT, 'us-east-1');
    await cc.handle('ListResources', { TypeName: 'AWS::Lambda::Function' }, ctx);
    assert.deepEqual(ctx.authorized, ['cloudformation:ListResources', 'lambda:ListFunctions']);
    const denied = fakeContext(MGMT, 'us-east-1', ['ecs:DescribeClusters']);
    const err = await awsError(cc.handle('ListResources', { TypeName: 'AWS::ECS::Cluster' }, denied));
    assert.equal(err.code, 'AccessDeniedException');
  });

  it('throttles per (account, region, service) with a token bucket', async () => {
    const { cc } = setup({ throttle: { ratePerSecond: 20, burst: 5 } });
    const ctx = fakeContext(MGMT, 'us-east-1');
    const started = performance.now();
    let ok = 0;
    let throttled = 0;
    while (performance.now() - started < 500) {
      try {
        await cc.handle('ListResources', { TypeName: 'AWS::EC2::Instance' }, ctx);
        ok++;
      } catch (err) {
        assert.equal((err as { code: string }).code, 'ThrottlingException');
        throttled++;
      }
      await new Promise((r) => setImmediate(r));
    }
    const seconds = (performance.now() - started) / 1000;
    const allowed = 5 + 20 * seconds;
    // never above the bucket's allowance; the lower bound is loose because a busy event loop loses refills above `burst`
    assert.ok(ok <= allowed + 1 && ok >= allowed / 2, `ok=${ok} allowed≈${allowed.toFixed(1)}`);
    assert.ok(throttled > 0);
    // another region has its own bucket
    await cc.handle('ListResources', { TypeName: 'AWS::EC2::Instance' }, fakeContext(MGMT, 'eu-west-1'));
  });

  it('injects HandlerInternalFailureException at the configured rate', async () => {
    const { cc } = setup({ faults: { handlerInternalFailureRate: 0.3 } });
    let failures = 0;
    for (let i = 0; i < 400; i++) {
      try {
        await cc.handle('ListResources', { TypeName: 'AWS::EC2::Instance' }, fakeContext(MGMT, 'us-east-1'));
      } catch (err) {
        assert.equal((err as { code: string }).code, 'HandlerInternalFailureException');
        assert.equal((err as { status: number }).status, 502);
        failures++;
      }
    }
    assert.ok(failures > 80 && failures < 160, `failures=${failures}`);
  });
});
