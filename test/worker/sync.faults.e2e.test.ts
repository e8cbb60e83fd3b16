// Throttling and injected handler failures: the inventory still converges, nothing is lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  diffInventories,
  expectedInventory,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync.harness';

const ACCOUNT = '555555555555';
const REGIONS = ['us-east-1', 'us-west-2'];

describe('sync under heavy throttling and 5% handler failures', () => {
  let h: SyncHarness;

  before(async () => {
    h = await startSyncHarness({
      scenario: {
        seed: 'sync-faults',
        accounts: [{ id: ACCOUNT }],
        regions: REGIONS,
        resources: {
          perAccountRegion: {
            'AWS::S3::Bucket': 6,
            'AWS::ECS::Cluster': 6,
            'AWS::EC2::Instance': 40,
            'AWS::Lambda::Function': 20,
            'AWS::RDS::DBInstance': 8,
          },
        },
        paging: { maxPageSize: 10, emptyPageRate: 0.2 },
        throttle: { ratePerSecond: 25, burst: 5 },
        faults: { handlerInternalFailureRate: 0.05 },
      },
      mode: 'account',
      accountId: ACCOUNT,
      regions: REGIONS,
      // The pacer starts far above the sandbox's limit (as when other workers share the account):
      // AWS does throttle, and the throttled calls must be retried until nothing is lost.
      env: { SYNC_ACCOUNT_REGION_CONCURRENCY: '3', SYNC_CALL_RATE_INITIAL: '200', SYNC_CALL_RATE_MAX: '400' },
    });
    h.onboard([ACCOUNT]);
  });
  after(() => h?.close());

  async function assertConverged() {
    const diff = diffInventories(await h.inventory(), expectedInventory(await h.truth()));
    assert.deepEqual(diff.counts, [0, 0, 0], JSON.stringify(diff));
  }

  it('the first sync matches the truth exactly although calls were throttled and failed', async () => {
    const started = Date.now();
    const run = await h.sync(25_000);
    const ms = Date.now() - started;
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    await assertConverged();
    const summary = await h.control<Record<string, unknown>>('GET', '/_sandbox/calls/summary');
    const text = JSON.stringify(summary);
    assert.match(text, /ThrottlingException/, text);
    assert.match(text, /HandlerInternalFailureException/, text);
    const live = await h.env.prisma.resource.count({ where: { tenantId: h.tenantId, deletedAt: null } });
    console.log(
      `# faults sync: ${live} resources, ${run.apiCalls} AWS calls incl. retries (${(run.apiCalls / live).toFixed(2)}/resource), ${ms} ms`,
    );
  });

  it('after deletions and edits under the same faults, nothing is lost and nothing wrongly deleted', async () => {
    const truth = await h.truth();
    const victims = truth.filter((r) => r.type === 'AWS::EC2::Instance').slice(0, 5);
    for (const v of victims) {
      await h.control('DELETE', '/_sandbox/resources', {
        accountId: v.accountId,
        region: v.region,
        type: v.type,
        identifier: v.identifier,
      });
    }
    const lambda = truth.find((r) => r.type === 'AWS::Lambda::Function')!;
    await h.control('PATCH', '/_sandbox/resources', {
      accountId: lambda.accountId,
      region: lambda.region,
      type: lambda.type,
      identifier: lambda.identifier,
      properties: { MemorySize: 2048 },
    });
    const run = await h.sync(25_000);
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    await assertConverged();
    assert.equal(run.deleted, 5);
    assert.equal(run.updated, 1);
  });
});
