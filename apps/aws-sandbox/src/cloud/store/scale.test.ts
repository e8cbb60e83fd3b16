import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCloudSandbox } from '../index';
import { fakeContext } from '../testing.helpers';

const accounts = Array.from({ length: 20 }, (_, i) => ({
  id: String(700000000000 + i),
  name: `a${i}`,
  email: `a${i}@example.com`,
}));

describe('a 1,000,000-resource scenario', () => {
  it('loads in under 2 s with little memory, and serves any resource on demand', async () => {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const sandbox = createCloudSandbox({
      scenario: {
        seed: 'scale',
        organization: { managementAccountId: accounts[0]!.id, accounts },
        regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'],
        resources: { total: 1_000_000 },
      },
    });
    const summary = (await sandbox.controlRoutes['GET /_sandbox/truth']!(
      undefined,
      new URLSearchParams({ view: 'summary' }),
    )) as {
      summary: { total: number };
    };
    const loadMs = performance.now() - t0;
    const rssAfter = process.memoryUsage().rss;
    assert.equal(summary.summary.total, 1_000_000);
    assert.ok(loadMs < 2000, `loaded in ${loadMs.toFixed(0)} ms`);
    const grownMb = (rssAfter - rssBefore) / 1e6;
    assert.ok(grownMb < 50, `RSS grew ${grownMb.toFixed(1)} MB`);

    // page through one big cell and fetch its last resource by identifier
    const cc = sandbox.services.find((s) => s.targetPrefix === 'CloudApiService')!;
    const ctx = fakeContext(accounts[7]!.id, 'us-west-2');
    const t1 = performance.now();
    let token: string | undefined;
    let listed = 0;
    let last = '';
    do {
      const out = (await cc.handle(
        'ListResources',
        { TypeName: 'AWS::EC2::Instance', NextToken: token },
        ctx,
      )) as {
        ResourceDescriptions: { Identifier: string }[];
        NextToken?: string;
      };
      listed += out.ResourceDescriptions.length;
      last = out.ResourceDescriptions.at(-1)?.Identifier ?? last;
      token = out.NextToken;
    } while (token);
    const listMs = performance.now() - t1;
    assert.ok(listed > 1000, `listed ${listed}`);
    await cc.handle('GetResource', { TypeName: 'AWS::EC2::Instance', Identifier: last }, ctx);
    process.stdout.write(
      `# scale: load ${loadMs.toFixed(0)} ms, RSS ${(rssBefore / 1e6).toFixed(0)} -> ${(rssAfter / 1e6).toFixed(0)} MB (+${grownMb.toFixed(1)}), listed ${listed} in ${listMs.toFixed(0)} ms (${((listed / listMs) * 1000).toFixed(0)}/s)\n`,
    );
  });
});
