import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ThrottleLimiter } from './token-bucket';

describe('ThrottleLimiter', () => {
  it('allows burst, then ratePerSecond, per (account, region, service), most specific rule first', () => {
    let now = 0;
    const limiter = new ThrottleLimiter(
      {
        ratePerSecond: 10,
        burst: 3,
        rules: [{ region: 'eu-west-1', service: 'cloudcontrolapi', ratePerSecond: 2, burst: 1 }],
      },
      () => now,
    );
    const take = (region = 'us-east-1', service = 'cloudcontrolapi') =>
      limiter.tryTake('111111111111', region, service);
    assert.deepEqual([take(), take(), take(), take()], [true, true, true, false]);
    now += 100; // 10/s → one token per 100 ms
    assert.deepEqual([take(), take()], [true, false]);
    assert.equal(take('us-east-1', 'organizations'), true, 'another service has its own bucket');
    assert.deepEqual([take('eu-west-1'), take('eu-west-1')], [true, false]);
    now += 499;
    assert.equal(take('eu-west-1'), false);
    now += 1;
    assert.equal(take('eu-west-1'), true);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      now += 10;
      if (take('us-east-1', 'x')) allowed++;
    }
    assert.ok(allowed >= 100 && allowed <= 104, `allowed=${allowed} over 10 s at 10/s (+burst)`);
  });

  it('is unlimited without a rate and starts full after an update', () => {
    const limiter = new ThrottleLimiter({ ratePerSecond: null, burst: 1, rules: [] }, () => 0);
    for (let i = 0; i < 1000; i++) assert.equal(limiter.tryTake('1', 'r', 's'), true);
    limiter.update({ ratePerSecond: 1, burst: 2, rules: [] });
    assert.deepEqual(
      [limiter.tryTake('1', 'r', 's'), limiter.tryTake('1', 'r', 's'), limiter.tryTake('1', 'r', 's')],
      [true, true, false],
    );
  });
});
