import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interleaveByAccountRegion, planTasks } from './sync-planner.service';

describe('interleaveByAccountRegion', () => {
  it('alternates (account, region) buckets and keeps each bucket in order', () => {
    const tasks = [
      { accountId: 'a', region: 'r1', n: 1 },
      { accountId: 'a', region: 'r1', n: 2 },
      { accountId: 'a', region: 'r1', n: 3 },
      { accountId: 'a', region: 'r2', n: 4 },
      { accountId: 'b', region: 'r1', n: 5 },
      { accountId: 'b', region: 'r1', n: 6 },
    ];
    assert.deepEqual(
      interleaveByAccountRegion(tasks).map((t) => t.n),
      [1, 4, 5, 2, 6, 3],
    );
    assert.deepEqual(interleaveByAccountRegion([]), []);
  });
});

describe('planTasks', () => {
  it('plans every task once, with no two neighbours in the same (account, region) while others remain', () => {
    const accounts = ['111111111111', '222222222222', '333333333333'];
    const regions = ['us-east-1', 'eu-west-1'];
    const types = ['AWS::Lambda::Function', 'AWS::EC2::Instance', 'AWS::S3::Bucket'];
    const planned = planTasks(accounts, regions, types, 'us-east-1');
    // 2 regional types × 3 accounts × 2 regions + S3 once per account.
    assert.equal(planned.length, 15);
    const keys = planned.map((t) => `${t.accountId}/${t.region}/${t.resourceType}`);
    assert.equal(new Set(keys).size, planned.length);
    // The first round visits all 6 (account, region) buckets before any repeats.
    const firstRound = planned.slice(0, 6).map((t) => `${t.accountId}/${t.region}`);
    assert.equal(new Set(firstRound).size, 6);
  });
});
