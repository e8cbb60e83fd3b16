import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portEntityBody, retryAfterMs } from './port.adapter';

describe('port adapter helpers', () => {
  it('reads Retry-After as seconds or an HTTP date, 1 s when absent or unreadable', () => {
    assert.equal(retryAfterMs('3'), 3000);
    assert.equal(retryAfterMs('0.5'), 500);
    assert.equal(retryAfterMs(['2']), 2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now), 7000);
    assert.equal(retryAfterMs(undefined), 1000);
    assert.equal(retryAfterMs('soon'), 1000);
  });

  it("sends the entity as Port's create-entity body: no blueprint, no null title/team/icon", () => {
    assert.deepEqual(
      portEntityBody({
        identifier: 'b1',
        title: null,
        blueprint: 'cloudResource',
        properties: { a: 1 },
        relations: { account: '1' },
        team: null,
      }),
      { identifier: 'b1', properties: { a: 1 }, relations: { account: '1' } },
    );
    assert.deepEqual(
      portEntityBody({
        identifier: 'b1',
        title: 'B',
        blueprint: 'x',
        properties: {},
        relations: {},
        icon: 'AWS',
      }),
      { identifier: 'b1', title: 'B', properties: {}, relations: {}, icon: 'AWS' },
    );
  });
});
