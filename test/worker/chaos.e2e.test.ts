// Chaos (issue #17): while a sync runs and resources change in the sandbox, this test's Redis keys
// are deleted, its PostgreSQL connections cut, the worker process SIGKILLed and restarted and the
// api restarted. At the end every run has ended, the connection syncs again, the inventory equals
// the sandbox's truth and the change history has no duplicate or missing change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Chaos } from '../support/chaos.harness';
import { startSyncHarness, type SyncHarness } from '../support/sync.harness';

const ACCOUNT = '730000000001';
const REGIONS = ['us-east-1', 'eu-west-1'];

describe('chaos during a sync', () => {
  let h: SyncHarness;
  let chaos: Chaos;

  before(async () => {
    h = await startSyncHarness({
      scenario: {
        seed: 'chaos',
        accounts: [{ id: ACCOUNT }],
        regions: REGIONS,
        resources: {
          perAccountRegion: {
            'AWS::S3::Bucket': 3,
            'AWS::ECS::Cluster': 4,
            'AWS::EC2::Instance': 24,
            'AWS::Lambda::Function': 12,
            'AWS::RDS::DBInstance': 4,
          },
        },
        latencyMs: 40,
        paging: { maxPageSize: 3 },
      },
      mode: 'account',
      accountId: ACCOUNT,
      regions: REGIONS,
      worker: false,
    });
    h.onboard([ACCOUNT]);
    chaos = new Chaos(h);
  });
  after(async () => {
    await chaos?.stop();
    await h?.close();
  });

  it('every run ends, the connection syncs again, inventory and change history are exact', async () => {
    await chaos.start();
    await chaos.round();
    const last = await chaos.converge(50_000);
    const run = await h.env.prisma.syncRun.findUniqueOrThrow({ where: { id: last } });
    assert.equal(run.status, 'succeeded', run.errorMessage ?? '');
    assert.deepEqual(await chaos.problems(), []);
    const r = chaos.report;
    assert.ok(r.injected.redisKeysDeleted > 0 && r.injected.postgresConnectionsCut > 0);
    console.log(
      `# chaos: ${JSON.stringify(r.injected)}; converged in ${r.convergenceMs} ms over ${r.runs} runs`,
    );
  });
});
