import type { RateLimiter } from '@smithy/core/retry';

/** Turns asked for without saying for whom share one place in the round. */
const UNNAMED = {};

export interface CallPacerOptions {
  /** Calls per second to start at, before anything is known of the service's limit. */
  initialRate: number;
  /** Never faster than this. */
  maxRate: number;
  /** Milliseconds since some fixed point (tests drive it). */
  clock?: () => number;
}

/** Never slower than this (calls per second), however much AWS throttles. */
const MIN_RATE = 0.5;
/** After a throttle, the rate is multiplied by this. */
const DECREASE = 0.8;
/** Calls sent at the old rate are still in flight: their throttles do not lower the rate again this soon. */
const DECREASE_GAP_MS = 500;
/** Additive increase per second once the limit has been found: this share of the rate, at least MIN_STEP. */
const INCREASE_SHARE = 0.05;
const MIN_STEP = 0.25;
/** The rate only grows while callers were actually waiting for it (not while demand was below it). */
const LIMITED_WINDOW_MS = 1000;
/**
 * Turns missed because our own event loop was late (or nobody was calling) may be made up in a burst
 * of at most this much time's worth of calls: AWS's buckets hold at least that much burst.
 */
const CATCH_UP_MS = 1000;
/** ...and never past this multiple of the rate calls actually succeed at (bounds slow start's overshoot). */
const MEASURED_HEADROOM = 2;
const MEASURE_WINDOW_MS = 500;

/**
 * Paces one (account, region, service)'s AWS calls, shared by every task that calls it, and finds the
 * service's rate limit as it goes: doubling every second until the first throttle (never past twice
 * the rate calls actually succeed at), then lowered by 20 % on a throttle and raised a little each
 * second without one (AIMD, as TCP does). A throttled call costs a round trip and the SDK retries
 * it, but it uses none of AWS's tokens; a paced call that is not sent is capacity lost for good. So
 * the pacer sits just above the limit rather than below it, and AWS's token bucket stays drained:
 * the calls go out at the rate AWS allows, whatever that rate is.
 *
 * Turns go round-robin between callers (any object: one task's listing, say), not first come first
 * served: a listing with a long chain of dependent calls (S3: a page, then each bucket's GetResource
 * in its own region) gets its share of every region instead of waiting behind another listing's
 * hundreds of queued calls. Retries of throttled calls go first.
 *
 * It is the SDK's RateLimiter contract, used by PacedRetryStrategy (the SDK's own adaptive limiter
 * settled at about a third of the limit under many concurrent callers, and lets retries out unpaced).
 */
export class CallPacer implements RateLimiter {
  private rate: number;
  private readonly maxRate: number;
  private readonly minRate: number;
  private readonly clock: () => number;
  private slowStart = true;
  private readonly initialRate: number;
  /** Successful calls per second, smoothed over half-second windows. */
  private measured = 0;
  private windowStart: number;
  private windowSuccesses = 0;
  private lastSentAt = -Infinity;
  private lastGrowthAt: number;
  private lastDecreaseAt = -Infinity;
  private limitedAt = -Infinity;
  /** Retries of throttled calls: they had a turn and lost it, so they go before the round. */
  private readonly retries: (() => void)[] = [];
  /** Waiting callers' turns, in round-robin order (a Map keeps insertion order). */
  private readonly queues = new Map<object, (() => void)[]>();
  private waiting = 0;
  private timer?: NodeJS.Timeout;

  constructor(options: CallPacerOptions) {
    this.clock = options.clock ?? (() => performance.now());
    this.maxRate = options.maxRate;
    this.minRate = Math.min(MIN_RATE, options.maxRate);
    this.rate = clamp(options.initialRate, this.minRate, this.maxRate);
    this.initialRate = this.rate;
    this.lastGrowthAt = this.windowStart = this.clock();
  }

  /** Calls per second it lets through now. */
  get currentRate(): number {
    return this.rate;
  }

  /** Resolves when a throttled call may be sent again: before any caller's next turn. */
  getRetryTurn(): Promise<void> {
    return new Promise((resolve) => {
      this.retries.push(resolve);
      this.waiting++;
      this.pump();
    });
  }

  /** Resolves when `caller` may send. */
  getSendToken(caller: object = UNNAMED): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.queues.get(caller);
      if (queue) queue.push(resolve);
      else this.queues.set(caller, [resolve]);
      this.waiting++;
      this.pump();
    });
  }

  /** Called by the SDK after each attempt: a RetryErrorInfo on failure, `{}` on success. */
  updateClientSendingRate(info: unknown): void {
    const now = this.clock();
    const errorType = (info as { errorType?: string } | undefined)?.errorType;
    if (errorType === 'THROTTLING') return this.throttled(now);
    if (errorType) return; // other failures say nothing about the rate
    this.measure(now);
    this.grow(now);
  }

  private throttled(now: number): void {
    this.slowStart = false;
    this.lastGrowthAt = now;
    if (now - this.lastDecreaseAt < DECREASE_GAP_MS) return;
    this.lastDecreaseAt = now;
    this.rate = Math.max(this.minRate, this.rate * DECREASE);
  }

  private grow(now: number): void {
    const seconds = Math.min(1, (now - this.lastGrowthAt) / 1000);
    this.lastGrowthAt = now;
    if (seconds <= 0 || now - this.limitedAt > LIMITED_WINDOW_MS) return;
    const next = this.slowStart
      ? this.rate * 2 ** seconds
      : this.rate + Math.max(MIN_STEP, this.rate * INCREASE_SHARE) * seconds;
    const ceiling = Math.max(this.initialRate, MEASURED_HEADROOM * this.measured);
    this.rate = Math.max(this.rate, Math.min(this.maxRate, ceiling, next));
  }

  private measure(now: number): void {
    this.windowSuccesses++;
    const span = now - this.windowStart;
    if (span < MEASURE_WINDOW_MS) return;
    const current = (this.windowSuccesses * 1000) / span;
    this.measured = this.measured ? (this.measured + current) / 2 : current;
    this.windowStart = now;
    this.windowSuccesses = 0;
  }

  /** Lets waiting callers go one interval apart, at the rate of the moment. */
  private pump(): void {
    if (this.timer) return;
    while (this.waiting) {
      const now = this.clock();
      const interval = 1000 / this.rate;
      const due = this.lastSentAt + interval;
      if (due > now) {
        this.limitedAt = now;
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, due - now);
        return;
      }
      this.lastSentAt = Math.max(due, now - CATCH_UP_MS + interval);
      this.nextTurn()();
    }
  }

  /** The first caller in the round gets a turn and, if it has more waiting, goes to the back. */
  private nextTurn(): () => void {
    const retry = this.retries.shift();
    if (retry) {
      this.waiting--;
      return retry;
    }
    const [caller, queue] = this.queues.entries().next().value as [object, (() => void)[]];
    const turn = queue.shift()!;
    this.queues.delete(caller);
    if (queue.length) this.queues.set(caller, queue);
    this.waiting--;
    return turn;
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
