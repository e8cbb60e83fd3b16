import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { CallPacer } from './call-pacer';

// Virtual time: the pacer's timers and clock are Node's mock timers, so a minute of AWS traffic
// runs in milliseconds and the figures do not depend on how busy the machine is.
const clock = () => Date.now();
const flush = () => new Promise<void>((r) => setImmediate(r));

async function advance(ms: number, step = 5): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    mock.timers.tick(step);
    await flush();
  }
}

/** AWS's side: a token bucket per (account, region, service) that does not charge throttled calls. */
function serverBucket(rate: number, burst: number) {
  let tokens = burst;
  let at = clock();
  return () => {
    const now = clock();
    tokens = Math.min(burst, tokens + ((now - at) / 1000) * rate);
    at = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** `callers` tasks calling through the pacer; a throttled call is retried after `retryMs` (as the SDK does). */
function traffic(pacer: CallPacer, take: () => boolean, callers: number, retryMs = 1000) {
  const counts = { ok: 0, throttled: 0 };
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await pacer.getSendToken();
      if (stopped) return;
      if (take()) {
        counts.ok++;
        pacer.updateClientSendingRate({});
      } else {
        counts.throttled++;
        pacer.updateClientSendingRate({ errorType: 'THROTTLING' });
        await new Promise((r) => setTimeout(r, retryMs));
      }
    }
  };
  for (let i = 0; i < callers; i++) void loop();
  return {
    counts,
    stop: () => void (stopped = true),
  };
}

describe('CallPacer', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('spaces calls at its rate, first come first served, after at most one second of saved-up turns', async () => {
    const pacer = new CallPacer({ initialRate: 10, maxRate: 10, clock });
    const sentAt: number[] = [];
    const order: number[] = [];
    for (let i = 0; i < 14; i++)
      void pacer.getSendToken().then(() => {
        sentAt.push(clock() - 1_000_000);
        order.push(i);
      });
    await flush();
    await advance(1000);
    assert.deepEqual(order, [...Array(14).keys()]);
    // Idle until now: one second's worth (10 calls) goes at once, then one every 100 ms.
    assert.deepEqual(sentAt, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200, 300, 400]);
  });

  it('shares turns round-robin between callers, so a late caller does not wait behind a long queue', async () => {
    const pacer = new CallPacer({ initialRate: 1, maxRate: 1, clock });
    const order: string[] = [];
    const call = async (who: object, name: string) => {
      await pacer.getSendToken(who);
      order.push(name);
    };
    const bulk = {};
    const chain = {};
    for (let i = 0; i < 6; i++) void call(bulk, `bulk${i}`);
    await flush();
    void call(chain, 'chain0').then(() => call(chain, 'chain1'));
    await advance(6000, 50);
    // bulk0 took the saved-up turn; then the two callers alternate.
    assert.deepEqual(order, ['bulk0', 'bulk1', 'chain0', 'bulk2', 'chain1', 'bulk3', 'bulk4']);
  });

  it("lets a throttled call retry before any caller's next turn", async () => {
    const pacer = new CallPacer({ initialRate: 1, maxRate: 1, clock });
    const order: string[] = [];
    const first = {};
    void pacer.getSendToken(first).then(() => order.push('first')); // the saved-up turn
    for (let i = 0; i < 3; i++) void pacer.getSendToken({}).then(() => order.push(`other${i}`));
    await flush();
    void pacer.getRetryTurn().then(() => order.push('retry'));
    await advance(3000, 50);
    assert.deepEqual(order, ['first', 'retry', 'other0', 'other1']);
  });

  it('makes up turns its own late timers missed, but no more than one second of them', async () => {
    const pacer = new CallPacer({ initialRate: 10, maxRate: 10, clock });
    const sent = { n: 0 };
    const loop = async () => {
      for (;;) {
        await pacer.getSendToken();
        sent.n++;
      }
    };
    void loop();
    void loop();
    await advance(2000);
    const before = sent.n;
    // The event loop stalls for 3 s (a busy process): timers fire late, once.
    mock.timers.tick(3000);
    await flush();
    await advance(5);
    assert.equal(sent.n - before, 10, 'one second of turns made up, not three');
  });

  for (const limit of [10, 37]) {
    it(`finds an unknown limit of ${limit}/s and keeps AWS's bucket drained (≥ 95 % of the limit)`, async () => {
      const pacer = new CallPacer({ initialRate: 5, maxRate: 100, clock });
      const run = traffic(pacer, serverBucket(limit, 10), 32);
      await advance(60_000);
      run.stop();
      // 60 s at the limit plus the 10-call burst is the most AWS allows.
      const most = limit * 60 + 10;
      assert.ok(run.counts.ok >= 0.95 * most, `${run.counts.ok} successful calls of at most ${most}`);
      assert.ok(run.counts.ok <= most, `${run.counts.ok} > ${most}: the simulated bucket leaked`);
      // Probing above the limit costs a few throttled calls, not a storm.
      assert.ok(run.counts.throttled < 0.1 * run.counts.ok, `${run.counts.throttled} throttled`);
      assert.ok(pacer.currentRate > 0.7 * limit && pacer.currentRate < 1.5 * limit, `${pacer.currentRate}`);
    });
  }

  it('lowers the rate once for a burst of throttles from calls already in flight', () => {
    const pacer = new CallPacer({ initialRate: 20, maxRate: 100, clock });
    for (let i = 0; i < 8; i++) pacer.updateClientSendingRate({ errorType: 'THROTTLING' });
    assert.equal(pacer.currentRate, 16);
    mock.timers.tick(600);
    pacer.updateClientSendingRate({ errorType: 'THROTTLING' });
    assert.equal(pacer.currentRate, 12.8);
  });

  it('does not grow while callers are not waiting for it, nor on other errors, nor past its ceiling', async () => {
    const pacer = new CallPacer({ initialRate: 10, maxRate: 12, clock });
    for (let i = 0; i < 20; i++) {
      await pacer.getSendToken(); // one call every 500 ms: never waits
      pacer.updateClientSendingRate({});
      pacer.updateClientSendingRate({ errorType: 'TRANSIENT' });
      await advance(500);
    }
    assert.equal(pacer.currentRate, 10);
    const run = traffic(pacer, () => true, 8);
    await advance(5000);
    run.stop();
    assert.equal(pacer.currentRate, 12);
  });
});
