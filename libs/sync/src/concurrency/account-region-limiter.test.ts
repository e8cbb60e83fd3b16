import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createRedis } from '@tally/jobs';
import { uniqueName } from '@tally/testing';
import { AccountRegionLimiter } from './account-region-limiter';

describe('AccountRegionLimiter', () => {
  const redis = createRedis({ REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const prefix = uniqueName('limiter');
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('caps holders per (account, region), is idempotent per holder, and frees slots on release', async () => {
    const limiter = new AccountRegionLimiter(redis, prefix, 2, 5_000);
    const a = await limiter.tryAcquire('111111111111', 'us-east-1', 'task-a');
    const b = await limiter.tryAcquire('111111111111', 'us-east-1', 'task-b');
    assert.ok(a && b);
    assert.equal(await limiter.tryAcquire('111111111111', 'us-east-1', 'task-c'), null);
    assert.ok(
      await limiter.tryAcquire('111111111111', 'us-east-1', 'task-a'),
      'a retried task keeps its slot',
    );
    assert.ok(
      await limiter.tryAcquire('111111111111', 'eu-west-1', 'task-c'),
      'another region has its own slots',
    );
    await a.release();
    const c = await limiter.tryAcquire('111111111111', 'us-east-1', 'task-c');
    assert.ok(c);
    assert.deepEqual((await limiter.holders('111111111111', 'us-east-1')).sort(), ['task-b', 'task-c']);
    await b.release();
    await c.release();
  });

  it("a crashed holder's slot frees itself when its lease lapses", async () => {
    const limiter = new AccountRegionLimiter(redis, prefix, 1, 1_000);
    // A holder that died without releasing: its lease (scored by expiry) runs out in 300 ms.
    await redis.zadd(`${prefix}:sync:slots:222222222222:us-east-1`, String(Date.now() + 300), 'dead');
    assert.equal(await limiter.tryAcquire('222222222222', 'us-east-1', 'alive'), null);
    await new Promise((r) => setTimeout(r, 400));
    const alive = await limiter.tryAcquire('222222222222', 'us-east-1', 'alive');
    assert.ok(alive);
    await alive.release();
  });
});
